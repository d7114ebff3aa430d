import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contain, judge, type ContainmentCase } from '../helpers/containment-harness.ts';
import { generatedRedTeamCases } from './generated-cases.ts';

/**
 * The red-team suite: each case is the CloudTrail events of an agent's violation (run through the guard's
 * pipeline, in enforce mode, against in-memory state and IAM), then the agent's next moves and the human's
 * moves on the same role, each judged by iam-simulate against the documents the guard wrote, with IAM's
 * request context written out in full (test/helpers/containment-harness.ts).
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const CASES = join(ROOT, 'test/redteam/cases');

const cases: [string, ContainmentCase][] = [
  ...readdirSync(CASES).filter((f) => f.endsWith('.json')).sort().map((f): [string, ContainmentCase] => [f, JSON.parse(readFileSync(join(CASES, f), 'utf8')) as ContainmentCase]),
  ...generatedRedTeamCases().map((c): [string, ContainmentCase] => [c.name, c]),
];

describe.each(cases)('red team: %s', (_file, testCase) => {
  it(testCase.description, async () => {
    const contained = await contain(testCase);
    const { reasons } = contained;
    const outcomes: string[] = [];
    for (const move of testCase.moves) {
      const decision = await judge(move, contained);
      const denied = decision !== 'Allowed';
      outcomes.push(`${move.who}: ${move.description} → ${decision}`);
      expect(denied ? 'denied' : 'allowed', `${move.who}: ${move.description} (${decision})\n${outcomes.join('\n')}`).toBe(move.expect);
    }
    for (const words of testCase.reasonIncludes ?? []) expect(reasons.join('\n'), `the findings say "${words}"`).toContain(words);
    // Contained: the agent has at least one move, all denied; every human move it claims to spare is allowed.
    expect(testCase.moves.some((m) => m.who === 'agent')).toBe(true);
  });
});
