// Benchmark: the guard function's deployed bundle (synthesized by `cdk synth`, as Lambda gets it): what
// loads at init (the entry and the chunks it imports statically; IAM, STS, SNS and Organizations are
// separate chunks loaded on first use), and the cold start: import plus a first invocation in a fresh
// process, against bare `node -e 0`, same run. Target: ≤ 2.0× bare node.
//
// The first invocation is a CloudTrail event that no rule watches, so it makes the calls every event makes
// (the event's claim and the state read, then its completion) against a local DynamoDB stand-in that
// answers at once: the figure is the function's own cost, not a network's.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
execFileSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', 'AgentGuardrail-Security'], { stdio: ['ignore', 'ignore', 'inherit'] });
const template = JSON.parse(readFileSync('cdk.out/AgentGuardrail-Security.template.json', 'utf8'));
const guard = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === 'AgentGuardrail-Guard');
const assetDir = join('cdk.out', guard.Metadata['aws:asset:path']);
const bundle = join(process.cwd(), assetDir, 'index.mjs');

// What loads at init: the entry and, transitively, the chunks it imports with a static `import`.
function loadedAtInit(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(join(assetDir, file), 'utf8');
  for (const match of text.matchAll(/(?:^|[;}])\s*import\s*(?:[\w${}\s,*]+from\s*)?["']\.\/([\w.-]+\.mjs)["']/g)) loadedAtInit(match[1], seen);
  return seen;
}
const initFiles = [...loadedAtInit('index.mjs')];
const initBytes = initFiles.reduce((sum, f) => sum + statSync(join(assetDir, f)).size, 0);
const allBytes = readdirSync(assetDir).filter((f) => f.endsWith('.mjs')).reduce((sum, f) => sum + statSync(join(assetDir, f)).size, 0);

const event = JSON.parse(readFileSync('events/scenarios/01-mcp-server-deletes-bucket/01-ListBuckets.json', 'utf8'));
event.detail.userIdentity = { type: 'IAMUser', principalId: 'AIDAEXAMPLEBOB000001', arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', accessKeyId: 'AKIAEXAMPLEBOB000001', userName: 'bob' };
event.detail.sourceIPAddress = '198.51.100.7';
event.detail.userAgent = 'aws-cli/2.22.0';

// As in Lambda: configuration and credentials in the environment.
const env = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEBENCH0001',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  STATE_TABLE: 'bench',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};
const firstInvocation = `const m = await import(${JSON.stringify(bundle)});
const result = await m.handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 120000 });
if (result.status !== 'processed') throw new Error(JSON.stringify(result));`;

function time(args, extraEnv = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
// The DynamoDB stand-in: an empty answer to every call (no item found, every write accepted), served from
// a child process of its own, since spawnSync blocks this one.
const standIn = spawn(
  process.execPath,
  ['-e', `require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>{const t=String(q.headers['x-amz-target']||'');s.writeHead(200,{'content-type':'application/x-amz-json-1.0'});s.end(t.endsWith('BatchGetItem')?'{"Responses":{},"UnprocessedKeys":{}}':'{}')})}).listen(0,'127.0.0.1',function(){console.log(this.address().port)})`],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const port = await new Promise((resolve) => standIn.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
env.AWS_ENDPOINT_URL = `http://127.0.0.1:${port}`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const bare = [];
const importOnly = [];
const cold = [];
const coldWithSourceMaps = [];
for (let i = 0; i < ROUNDS; i++) {
  bare.push(time(['-e', '0']));
  importOnly.push(time(['--input-type=module', '-e', `await import(${JSON.stringify(bundle)})`]));
  cold.push(time(['--input-type=module', '-e', firstInvocation]));
  coldWithSourceMaps.push(time(['--input-type=module', '-e', firstInvocation], { NODE_OPTIONS: '--enable-source-maps' }));
}
standIn.kill();
const ratio = median(cold) / median(bare);
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: 'guard-bundle',
      loadedAtInitKiB: Math.round(initBytes / 1024),
      loadedAtInitFiles: initFiles.length,
      bundleTotalKiB: Math.round(allBytes / 1024),
      rounds: ROUNDS,
      bareNodeMs: Number(median(bare).toFixed(1)),
      importMs: Number(median(importOnly).toFixed(1)),
      importRatio: Number((median(importOnly) / median(bare)).toFixed(2)),
      importAndFirstInvocationMs: Number(median(cold).toFixed(1)),
      ratioToBareNode: Number(ratio.toFixed(2)),
      ratioWithSourceMapsFlag: Number((median(coldWithSourceMaps) / median(bare)).toFixed(2)),
      target: '<= 2.0x bare node',
      met: ratio <= 2.0,
    },
    null,
    2,
  )}\n`,
);
