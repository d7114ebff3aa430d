// Benchmark: one agent session stuck in a loop, replayed. Writes JSON Lines of N repeated violations (an
// MCP-marked agent session calling lambda:UpdateFunctionCode, a rule that escalates on strikes) for 10,000 and
// 100,000, times `replay --format json` over each (whole processes), and reports the ratio: linear is about 10.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/agent-guardrail.mjs');
const base = JSON.parse(readFileSync(join(ROOT, 'events/scenarios/01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;
mkdirSync(join(ROOT, 'bench/.data'), { recursive: true });

function loopFile(count) {
  const file = join(ROOT, `bench/.data/agent-loop-${count}.jsonl`);
  const start = Date.parse(base.eventTime);
  const lines = [];
  for (let i = 0; i < count; i++) {
    const id = `loop-${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
    lines.push(JSON.stringify({ ...base, eventID: id, eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode20150331v2', eventTime: new Date(start + i * 100).toISOString().replace(/\.\d+Z$/, 'Z'), requestParameters: { functionName: 'payments' }, responseElements: null }));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

const timed = (file) => {
  const started = process.hrtime.bigint();
  const out = execFileSync(process.execPath, [CLI, 'replay', '--format', 'json', file], { maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = JSON.parse(out.toString().trim().split('\n').at(-1)).summary;
  return { seconds, violations: summary.violation };
};

const small = timed(loopFile(10_000));
const large = timed(loopFile(100_000));
const report = { benchmark: 'agent-loop', '10k': small, '100k': large, ratio: large.seconds / small.seconds };
writeFileSync(join(ROOT, 'bench/.data/agent-loop.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report));
if (small.violations !== 10_000 || large.violations !== 100_000) throw new Error('every repeated call is a violation');
