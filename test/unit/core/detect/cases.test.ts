import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsOf } from '../../../helpers/case-events.ts';
import { describe, expect, it } from 'vitest';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { unwrapInput } from '../../../../functions/core/cloudtrail/unwrap-input.ts';
import { createDetector, invalidFinding } from '../../../../functions/core/detect/detector.ts';
import type { Finding } from '../../../../functions/core/detect/finding.ts';
import { InMemoryState, type InMemoryStateSeed } from '../../../../functions/core/state/in-memory-state.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';

/** One detection case: events in delivery order and the findings expected, in order. */
interface DetectCase {
  name: string;
  description: string;
  policy?: string;
  state?: InMemoryStateSeed;
  events: (string | Record<string, unknown>)[];
  expected: (Partial<Record<string, unknown>> & { reasonMatches?: string; scope?: string; escalated?: boolean })[];
}

const ROOT = new URL('../../../../', import.meta.url).pathname;
const CASES = join(ROOT, 'test/cases/detect');


async function run(testCase: DetectCase): Promise<Finding[]> {
  const policy = testCase.policy ? await compilePolicyText(testCase.policy, `${testCase.name}.policy`) : await loadDefaultPolicy();
  const detector = createDetector(policy, new InMemoryState(testCase.state));
  const findings: Finding[] = [];
  for (const value of testCase.events.flatMap(eventsOf)) {
    for (const item of unwrapInput(value, testCase.name)) {
      const result = validateRecord(item);
      findings.push(...(result.ok ? await detector.evaluate(result.record) : [invalidFinding(result)]));
    }
  }
  return findings;
}

describe.each(readdirSync(CASES).filter((f) => f.endsWith('.json')).sort())('test/cases/detect/%s', (file) => {
  const testCase = JSON.parse(readFileSync(join(CASES, file), 'utf8')) as DetectCase;
  it(testCase.description, async () => {
    const findings = await run(testCase);
    expect(findings).toHaveLength(testCase.expected.length);
    testCase.expected.forEach(({ reasonMatches, scope, escalated, ...fields }, index) => {
      const finding = findings[index]!;
      expect(finding, `finding ${index}`).toMatchObject(fields);
      if (reasonMatches) expect(finding.reason).toContain(reasonMatches);
      if (scope) expect(finding.detail?.plan?.scope, `finding ${index} scope`).toBe(scope);
      if (escalated !== undefined) expect(finding.detail?.plan?.escalated, `finding ${index} escalated`).toBe(escalated);
      if (finding.verdict !== 'violation') expect(finding.response).toBeNull();
    });
  });
});
