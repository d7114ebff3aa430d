import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import type { TestProject } from 'vitest/node';
import { buildApp } from '../../infra/app.ts';
import { assertWithinQuotas } from '../../infra/quotas/assembly-quotas.ts';

/**
 * Vitest global setup for the deployment twin: synthesizes the CDK app as `cdk synth` would (real
 * bundling with esbuild, the policy embedded), in enforce mode so containments are written, into
 * dist/twin/cdk.out. Reused while newer than every source it is built from.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    twinCdkOut: string;
  }
}

const ROOT = new URL('../../', import.meta.url).pathname;
const OUT = join(ROOT, 'dist/twin/cdk.out');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export default async function setup(project: TestProject): Promise<void> {
  const sources = Math.max(...['functions', 'infra', 'guardrail.yaml', 'cdk.json', 'package-lock.json'].map((p) => newest(join(ROOT, p))));
  const manifest = join(OUT, 'manifest.json');
  if (!existsSync(manifest) || statSync(manifest).mtimeMs < sources) {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const context = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')).context as { agentGuardrail: Record<string, unknown> };
    const app = new App({ outdir: OUT, context: { ...context, agentGuardrail: { ...context.agentGuardrail, mode: 'enforce' } } });
    const { quotaOptions } = await buildApp(app);
    assertWithinQuotas(app.synth(), quotaOptions);
  }
  project.provide('twinCdkOut', OUT);
}
