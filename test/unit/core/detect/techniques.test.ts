import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_TECHNIQUES } from '../../../../functions/config/attack-techniques.ts';
import { techniqueRecords, type Actor } from '../../../../functions/config/technique-records.ts';
import { unwrapInput } from '../../../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { actionOf } from '../../../../functions/core/cloudtrail/action-names.ts';
import { createDetector } from '../../../../functions/core/detect/detector.ts';
import type { Finding } from '../../../../functions/core/detect/finding.ts';
import { compileEventPatterns } from '../../../../functions/core/policy/compile-event-patterns.ts';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const { expected } = JSON.parse(readFileSync(join(ROOT, 'test/cases/techniques.json'), 'utf8')) as { expected: Record<string, string | null> };

async function findingsOf(id: string, actor: Actor): Promise<Finding[]> {
  const technique = AWS_TECHNIQUES.find((t) => t.id === id)!;
  const detector = createDetector(await loadDefaultPolicy(), new InMemoryState());
  const findings: Finding[] = [];
  for (const record of techniqueRecords(technique, actor)) {
    for (const item of unwrapInput(record, id)) {
      const result = validateRecord(item);
      expect(result, `${id}: ${JSON.stringify(result)}`).toMatchObject({ ok: true });
      if (result.ok) findings.push(...(await detector.evaluate(result.record)));
    }
  }
  return findings;
}

describe('the Stratus Red Team AWS catalogue under the shipped policy', () => {
  it('gives every record of every technique and actor its own event ID', () => {
    const ids = AWS_TECHNIQUES.flatMap((t) => (['agent', 'human'] as const).flatMap((actor) => techniqueRecords(t, actor).map((r) => r.eventID)));
    expect(ids.length).toBeGreaterThan(AWS_TECHNIQUES.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has an expectation for every technique and no other', () => {
    expect(Object.keys(expected).sort()).toEqual(AWS_TECHNIQUES.map((t) => t.id).sort());
    // A technique left out says why.
    for (const t of AWS_TECHNIQUES) if (expected[t.id] === null) expect(t.leftOut, t.id).toBeTruthy();
  });

  describe.each(AWS_TECHNIQUES.map((t) => t.id))('%s', (id) => {
    it(expected[id] ? `by an agent: a violation of ${expected[id]}` : 'by an agent: left out, reported as allowed', async () => {
      const findings = await findingsOf(id, 'agent');
      const violation = findings.find((f) => f.verdict === 'violation');
      if (expected[id]) {
        expect(violation, JSON.stringify(findings.map((f) => f.reason))).toBeDefined();
        expect(violation!.rule).toBe(expected[id]);
        expect(violation!.agent).toBe(true);
      } else {
        expect(violation).toBeUndefined();
      }
    });

    it('by a person on the same role: nothing is contained', async () => {
      const findings = await findingsOf(id, 'human');
      // A console sign-in is an IAM user's own; a person's is never an agent's.
      expect(findings.filter((f) => f.verdict === 'violation'), JSON.stringify(findings.map((f) => f.reason))).toEqual([]);
    });

    it(expected[id] ? 'reaches the guard: an EventBridge pattern of the policy names each of its calls' : 'names no action of it in any rule', async () => {
      const policy = await loadDefaultPolicy();
      const patterns = compileEventPatterns(policy);
      const technique = AWS_TECHNIQUES.find((t) => t.id === id)!;
      if (!expected[id]) {
        for (const call of technique.calls) expect(policy.rulesFor(actionOf(call.eventSource, call.eventName))).toEqual([]);
        return;
      }
      for (const call of technique.calls) {
        const matching = patterns.filter((p) => p.pattern.detail.eventSource.includes(call.eventSource));
        const names = matching.flatMap((p) => p.pattern.detail.eventName);
        const named = names.some((n) => (typeof n === 'string' ? n === call.eventName : call.eventName.startsWith((n as { prefix: string }).prefix)));
        expect(named, `${call.eventSource} ${call.eventName} (${actionOf(call.eventSource, call.eventName)})`).toBe(true);
      }
    });
  });
});
