// Benchmark: the guard function's deployed bundle (synthesized by `cdk synth`, as Lambda gets it): its
// size, and the cold import time of the bundle in a fresh process against bare `node -e 0`, same run.
// Targets: at most 600 KB, at most +60 ms.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
execFileSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', 'AgentGuardrail-Security'], { stdio: ['ignore', 'ignore', 'inherit'] });
const template = JSON.parse(readFileSync('cdk.out/AgentGuardrail-Security.template.json', 'utf8'));
const guard = Object.entries(template.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'AgentGuardrail-Guard')[1];
const assetDir = join('cdk.out', `asset.${guard.Metadata['aws:asset:path'].replace(/^asset\./, '')}`);
const bundle = join(assetDir, 'index.mjs');
const bytes = statSync(bundle).size;

// The handler reads its configuration at import, as in Lambda.
const env = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  STATE_TABLE: 'bench',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bare = [];
const cold = [];
for (let i = 0; i < ROUNDS; i++) {
  bare.push(time(['-e', '0']));
  cold.push(time(['--input-type=module', '-e', `await import(${JSON.stringify(join(process.cwd(), bundle))})`]));
}
const extra = median(cold) - median(bare);
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'guard-bundle',
      bundleBytes: bytes,
      bundleKiB: Math.round(bytes / 1024),
      sizeTarget: '<= 600 KB',
      sizeMet: bytes <= 600 * 1024,
      rounds: ROUNDS,
      bareNodeMs: Number(median(bare).toFixed(1)),
      coldImportMs: Number(median(cold).toFixed(1)),
      extraMs: Number(extra.toFixed(1)),
      ratioToBareNode: Number((median(cold) / median(bare)).toFixed(2)),
      importTarget: '<= +60 ms',
      importMet: extra <= 60,
    },
    null,
    2,
  )}\n`,
);
