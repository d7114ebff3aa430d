// Benchmark: peak memory of `agent-guardrail replay` over a 700 MB JSON Lines file (generated once into
// bench/.data), every record answered. Target: peak RSS <= 300 MB. Run with `npm run bench`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { generateJsonLines } from './generate-cloudtrail-log.mjs';

const BYTES = Number(process.env.BENCH_JSONL_MB ?? 700) * 1_048_576;
const TARGET_BYTES = 300 * 1_048_576;
const file = `bench/.data/cloudtrail-${Math.round(BYTES / 1_048_576)}mb.jsonl`;
if (!existsSync(file) || statSync(file).size < BYTES) generateJsonLines(file, BYTES);
const rssFile = 'bench/.data/max-rss';

const started = process.hrtime.bigint();
// The summary line is the last output; everything before it is one finding per record.
const result = spawnSync(process.execPath, ['--import', './bench/max-rss.mjs', 'dist/cli/agent-guardrail.mjs', 'replay', '--format', 'json', file], {
  env: { ...process.env, MAX_RSS_FILE: rssFile },
  maxBuffer: 4 << 30,
  encoding: 'utf8',
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
if (result.status !== 0) throw new Error(`replay exited ${result.status}: ${result.stderr}`);
const lines = result.stdout.trimEnd().split('\n');
const summary = JSON.parse(lines.at(-1)).summary;
const peak = Number(readFileSync(rssFile, 'utf8'));
const report = {
  benchmark: 'replay-memory',
  fileMB: Math.round(statSync(file).size / 1_048_576),
  events: summary.events,
  findingLines: lines.length - 1,
  seconds: Number(seconds.toFixed(1)),
  peakRssMB: Math.round(peak / 1_048_576),
  target: '<= 300 MB',
  met: peak <= TARGET_BYTES && summary.events > 0,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
