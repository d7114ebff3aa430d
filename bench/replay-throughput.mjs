// Benchmark: `agent-guardrail replay` of a generated 100k-record CloudTrail log file, as whole
// processes, against bare JSON.parse of the same bytes in the same run. Reports records/s and the ratio.
// Run with `npm run bench`. Timings on shared machines are noisy: compare ratios, not seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { generateCloudTrailLog } from './generate-cloudtrail-log.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_RATIO = 1.25;
const file = `bench/.data/cloudtrail-${RECORDS}.json`;
if (!existsSync(file)) generateCloudTrailLog(file, RECORDS);

const devNull = openSync('/dev/null', 'w');
function timeProcess(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', devNull, 'inherit'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return seconds;
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const baseline = [];
const replay = [];
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the two so drift in machine load hits both alike.
  baseline.push(timeProcess(['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`]));
  replay.push(timeProcess(['dist/cli/agent-guardrail.mjs', 'replay', '--format', 'json', file]));
}
closeSync(devNull);

const base = median(baseline);
const full = median(replay);
const ratio = full / base;
const report = {
  benchmark: 'replay-throughput',
  records: RECORDS,
  rounds: ROUNDS,
  jsonParseSeconds: Number(base.toFixed(3)),
  replaySeconds: Number(full.toFixed(3)),
  replayRecordsPerSecond: Math.round(RECORDS / full),
  ratioToJsonParse: Number(ratio.toFixed(2)),
  target: `<= ${TARGET_RATIO}x`,
  met: ratio <= TARGET_RATIO,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
