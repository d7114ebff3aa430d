import { dirname, resolve } from 'node:path';
import { compilePolicyText } from '../../functions/config/load-policy-file.ts';
import { unwrapInput, type InputItem } from '../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../functions/core/cloudtrail/validate-record.ts';
import { createDetector, invalidFinding } from '../../functions/core/detect/detector.ts';
import type { Finding } from '../../functions/core/detect/finding.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';
import { InMemoryState } from '../../functions/core/state/in-memory-state.ts';
import { listLocalSources } from '../inputs/local-sources.ts';
import { readSource } from '../inputs/read-source.ts';
import { casePolicyText, type Expectation, type PolicyTestCase } from './policy-test-file.ts';

export interface CaseResult {
  readonly file: string;
  readonly name: string;
  readonly passed: boolean;
  /** One line per difference between the findings and the expectations. */
  readonly failures: readonly string[];
  readonly findings: readonly Finding[];
  readonly seconds: number;
}

async function itemsOf(testCase: PolicyTestCase): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for (const entry of testCase.events) {
    if (typeof entry !== 'string') {
      items.push(...unwrapInput(entry, testCase.name));
      continue;
    }
    const { sources } = await listLocalSources([resolve(dirname(testCase.file), entry)]);
    for (const source of sources) for await (const batch of readSource(source)) items.push(...batch);
  }
  return items;
}

/** The findings of a case's events, in order, from a fresh detector over the case's policy and state. */
export async function caseFindings(testCase: PolicyTestCase, defaultPolicy: CompiledPolicy): Promise<Finding[]> {
  const own = await casePolicyText(testCase);
  const policy = own ? await compilePolicyText(own.text, own.name) : defaultPolicy;
  const detector = createDetector(policy, new InMemoryState(testCase.state));
  const findings: Finding[] = [];
  for (const item of await itemsOf(testCase)) {
    const result = validateRecord(item);
    findings.push(...(result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)]));
  }
  return findings;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Differences between one finding and what was expected of it. */
export function compareFinding(finding: Finding, expected: Expectation, index: number): string[] {
  const failures: string[] = [];
  const actual: Record<keyof Expectation, unknown> = {
    eventName: finding.eventName,
    verdict: finding.verdict,
    rule: finding.rule,
    response: finding.response,
    agent: finding.agent,
    signals: finding.signals,
    late: finding.late,
    scope: finding.detail?.plan?.scope ?? null,
    escalated: finding.detail?.plan?.escalated ?? null,
    reasonMatches: finding.reason,
  };
  for (const [key, want] of Object.entries(expected) as [keyof Expectation, unknown][]) {
    if (want === undefined) continue;
    const got = actual[key];
    const ok = key === 'reasonMatches' ? finding.reason.includes(want as string) : same(got, want);
    if (!ok) failures.push(`finding ${index + 1} (${finding.eventName ?? 'invalid'}): ${key} expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return failures;
}

/** Runs one case and compares its findings, in order, with the expected ones. */
export async function runPolicyTest(testCase: PolicyTestCase, defaultPolicy: CompiledPolicy): Promise<CaseResult> {
  const started = performance.now();
  const findings = await caseFindings(testCase, defaultPolicy);
  const failures: string[] = [];
  const listed = () => findings.map((f) => `${f.eventName ?? 'invalid'}=${f.verdict}`).join(', ');
  if ((testCase.match ?? 'all') === 'subset') {
    // Each expectation matched by a later finding than the one before it.
    let from = 0;
    testCase.expected.forEach((expected, index) => {
      const found = findings.findIndex((f, i) => i >= from && compareFinding(f, expected, i).length === 0);
      if (found < 0) failures.push(`expected finding ${index + 1} (${JSON.stringify(expected)}) is not among the findings after the one before it: ${listed()}`);
      else from = found + 1;
    });
  } else {
    if (findings.length !== testCase.expected.length) failures.push(`expected ${testCase.expected.length} findings, got ${findings.length}: ${listed()}`);
    testCase.expected.forEach((expected, index) => {
      if (findings[index]) failures.push(...compareFinding(findings[index]!, expected, index));
    });
  }
  return { file: testCase.file, name: testCase.name, passed: failures.length === 0, failures, findings, seconds: (performance.now() - started) / 1000 };
}
