// Builds the CLI (and helper scripts) to plain ESM JavaScript so `agent-guardrail` starts without a
// transpiler. Dependencies stay external: they are resolved from node_modules at run time.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const entryPoints = {
  'cli/agent-guardrail': 'cli/agent-guardrail.ts',
  'cli/validation-worker': 'cli/replay/validation-worker.ts',
  'scripts/write-policy-schema': 'scripts/write-policy-schema.ts',
  'functions/guard/handler': 'functions/guard/handler.ts',
  'functions/override/handler': 'functions/override/handler.ts',
  'functions/heartbeat/handler': 'functions/heartbeat/handler.ts',
  'infra/app': 'infra/app.ts',
  // The package's `agent-guardrail/credentials` export.
  'credentials/index': 'credentials/index.ts',
};

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

const output = 'dist/cli/agent-guardrail.mjs';
if (process.argv.includes('--if-stale') && existsSync(output)) {
  const built = statSync(output).mtimeMs;
  const sources = Math.max(newestMtime('functions'), newestMtime('cli'), newestMtime('credentials'), statSync('guardrail.yaml').mtimeMs);
  if (sources < built) process.exit(0);
}

await build({
  entryPoints,
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: { js: '#!/usr/bin/env node' },
});
