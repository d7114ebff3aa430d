// Benchmark: does one account's flood delay containment in another? The guard's own cost per event is
// measured (the real handler against moto through a proxy that adds documented latencies); Lambda's
// asynchronous queue with the guard's reserved concurrency is then simulated (bench/lib/lambda-async-queue.ts):
// 1,000 calls a second for a minute from one contained agent, the organization's forwarded traffic from the
// volume model, and one violation in another account. Reports the violation's time to contain with and without
// the flood, at the former default concurrency (50) and the configured one. Goal: within 2× without the flood.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_VOLUME_PROFILE } from '../cli/volume/default-profile.ts';
import { estimateVolume } from '../cli/volume/volume-model.ts';
import { compileEventPatterns } from '../functions/core/policy/compile-event-patterns.ts';
import { parseDeploymentConfig } from '../infra/config.ts';
import { loadDefaultPolicy } from '../test/helpers/policy.ts';
import type { RecordedCall } from '../test/helpers/recording-proxy.ts';
import { longestChain } from '../test/helpers/critical-path.ts';
import { scenarioEvents } from '../test/integration/aws-fixture.ts';
import { guardOnMoto, type GuardHandler } from '../test/helpers/guard-on-moto.ts';
import { timeToContain, type FairnessScenario } from './lib/fairness-scenario.ts';

/** The same documented latencies as bench/time-to-contain.run.ts. */
const LATENCY: Record<string, number> = { dynamodb: 5, 'dynamodb:batch': 8, sts: 60, iam: 100, sns: 20 };
const latencyOf = (call: RecordedCall) => (/BatchGetItem|TransactWriteItems/.test(call.action) ? LATENCY['dynamodb:batch']! : (LATENCY[call.service] ?? 0));
const IAM_WRITE = /^iam:(Put(Role|User)Policy|CreatePolicy|CreatePolicyVersion|Attach(Role|User)Policy|TagRole)$/;

const ACCOUNT = '777788889999';
const OTHER = '888899990000';
const TABLE = 'bench-fairness';
const TRIALS = Number(process.env.FAIRNESS_TRIALS ?? 30);
let guard: GuardHandler;
let proxy: Awaited<ReturnType<typeof guardOnMoto>>['proxy'];

beforeAll(async () => {
  ({ guard, proxy } = await guardOnMoto(TABLE, { [ACCOUNT]: ['DevOps'], [OTHER]: ['DevOps', 'Team0', 'Team1', 'Team2', 'Team3', 'Team4'] }));
}, 120_000);
afterAll(() => proxy.close());

/** Wall time an invocation would take on AWS: the longest chain of calls at documented latencies, plus its CPU. */
async function serviceOf(event: unknown, until?: RegExp): Promise<number> {
  proxy.calls.length = 0;
  const cpu = process.cpuUsage();
  await guard(event, { getRemainingTimeInMillis: () => 60_000 });
  const used = process.cpuUsage(cpu);
  const calls = [...proxy.calls].sort((a, b) => a.startedAt - b.startedAt);
  const stop = until ? calls.find((c) => until.test(c.action)) : undefined;
  // Up to the write: the calls answered before it was sent.
  const waited = longestChain(stop ? calls.filter((c) => c.endedAt <= stop.startedAt) : calls, latencyOf);
  return waited + (used.user + used.system) / 1000;
}

const renamed = (event: Record<string, unknown>, id: string, seconds: number) => {
  const detail = event.detail as Record<string, unknown>;
  return { ...event, id, detail: { ...detail, eventID: id, eventTime: new Date(Date.parse(detail.eventTime as string) + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z') } };
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

it('keeps one account\'s flood from delaying containment in another', async () => {
  const [assume, put] = scenarioEvents('01-mcp-server-deletes-bucket', ACCOUNT);
  await guard(assume, { getRemainingTimeInMillis: () => 60_000 });
  await guard(put, { getRemainingTimeInMillis: () => 60_000 });
  const flood: number[] = [];
  for (let i = 0; i < 15; i++) flood.push(await serviceOf({ ...renamed(put!, `fl-${i}`, i + 1), detail: { ...(renamed(put!, `fl-${i}`, i + 1).detail as object), errorCode: 'AccessDenied' } }));
  const [humanAssume, humanPut] = scenarioEvents('03-human-on-same-role', ACCOUNT);
  await guard(humanAssume, { getRemainingTimeInMillis: () => 60_000 });
  const read = { ...humanPut!, detail: { ...(humanPut!.detail as object), eventSource: 'ssm.amazonaws.com', eventName: 'GetParameter', readOnly: true, requestParameters: { name: '/x', withDecryption: true } } };
  const benign: number[] = [];
  for (let i = 0; i < 15; i++) benign.push(await serviceOf(renamed(read, `bn-${i}`, i)));
  // The other account's agent: its first violation, measured to its IAM write and in all.
  const [otherAssume, otherPut] = scenarioEvents('01-mcp-server-deletes-bucket', OTHER);
  const write: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < 5; i++) {
    const suffix = `-${i}`;
    const a = JSON.parse(JSON.stringify(otherAssume).replaceAll('a4efcfc5-c242', `a4efcfc5-c2${40 + i}`).replaceAll('DevOps', `Team${i}`));
    const p = JSON.parse(JSON.stringify(otherPut).replaceAll('a4efcfc5-c242', `a4efcfc5-c2${40 + i}`).replaceAll('DevOps', `Team${i}`));
    await guard(renamed(a, `oa${suffix}`, 0), { getRemainingTimeInMillis: () => 60_000 });
    write.push(await serviceOf(renamed(p, `ow${suffix}`, 1), IAM_WRITE));
    total.push(await serviceOf(renamed(p, `ot${suffix}`, 2)));
  }
  const volume = estimateVolume(DEFAULT_VOLUME_PROFILE, compileEventPatterns(await loadDefaultPolicy()));
  const configured = parseDeploymentConfig(JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')).context.agentGuardrail).guardReservedConcurrency;
  const base: Omit<FairnessScenario, 'concurrency'> = {
    baselinePerSecond: volume.forwardedPerSecond,
    baselineServiceMs: median(benign),
    floodPerSecond: 1000,
    floodServiceMs: median(flood),
    seconds: 60,
    violationWriteMs: median(write),
    violationServiceMs: median(total),
  };
  const at = (concurrency: number) => {
    const scenario = { ...base, concurrency };
    const quiet = timeToContain(scenario, false, TRIALS);
    const flooded = timeToContain(scenario, true, TRIALS);
    return { concurrency, quiet, flooded, ratioMedian: flooded.medianMs / quiet.medianMs, ratioP95: flooded.p95Ms / quiet.p95Ms };
  };
  const report = { benchmark: 'fairness', measured: base, trials: TRIALS, before: at(50), configured: at(configured) };
  mkdirSync('dist', { recursive: true });
  writeFileSync('dist/fairness.json', `${JSON.stringify(report, null, 2)}\n`);
  console.info(JSON.stringify(report, null, 2));
  expect(report.configured.ratioP95).toBeLessThanOrEqual(2);
  expect(report.configured.ratioMedian).toBeLessThanOrEqual(2);
});
