import { AWS_TECHNIQUES, type AttackTechnique } from '../functions/config/attack-techniques.ts';
import { techniqueRecords } from '../functions/config/technique-records.ts';
import { unwrapInput } from '../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../functions/core/cloudtrail/validate-record.ts';
import { createDetector } from '../functions/core/detect/detector.ts';
import type { CompiledPolicy } from '../functions/core/policy/compile-policy.ts';
import { InMemoryState } from '../functions/core/state/in-memory-state.ts';

export interface TechniqueCoverage {
  readonly technique: string;
  readonly name: string;
  readonly tactic: string;
  readonly attack: readonly string[];
  readonly rule: string | null;
  readonly response: string | null;
  /** "deny-action after 5 within 10m", when the rule escalates. */
  readonly escalation: string | null;
  /** Why the policy leaves it out (catalogue), when no rule covers it. */
  readonly leftOut: string | null;
}

/** What the policy does when an agent performs a technique: its calls, by an agent, through detection. */
export async function techniqueCoverage(policy: CompiledPolicy, technique: AttackTechnique): Promise<TechniqueCoverage> {
  const detector = createDetector(policy, new InMemoryState());
  let hit: { rule: string; response: string } | null = null;
  for (const record of techniqueRecords(technique, 'agent')) {
    for (const item of unwrapInput(record, technique.id)) {
      const result = validateRecord(item);
      if (!result.ok) throw new Error(`${technique.id}: catalogue record invalid: ${result.reason}`);
      const violation = (await detector.evaluate(result.record)).find((f) => f.verdict === 'violation');
      if (violation && !hit) hit = { rule: violation.rule!, response: violation.response! };
    }
  }
  const rule = hit ? policy.rules.find((r) => r.id === hit!.rule) : undefined;
  return {
    technique: technique.id,
    name: technique.name,
    tactic: technique.tactic,
    attack: technique.attack,
    rule: hit?.rule ?? null,
    response: hit?.response ?? null,
    escalation: rule?.escalate ? `${rule.escalate.to} after ${rule.escalate.after} within ${formatWindow(rule.escalate.withinMs)}` : null,
    leftOut: hit ? null : (technique.leftOut ?? 'no rule of this policy matches its calls'),
  };
}

function formatWindow(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

export async function policyCoverage(policy: CompiledPolicy): Promise<TechniqueCoverage[]> {
  return Promise.all(AWS_TECHNIQUES.map((t) => techniqueCoverage(policy, t)));
}

/** The coverage as a plain table: technique → ATT&CK → rule → response. */
export function formatCoverage(rows: readonly TechniqueCoverage[]): string {
  const lines = rows.map((r) => [r.technique, r.attack.join(' '), r.rule ?? '(not covered)', r.rule ? `${r.response}${r.escalation ? `, ${r.escalation}` : ''}` : (r.leftOut ?? '')]);
  const header = ['technique (Stratus Red Team)', 'ATT&CK', 'rule', 'response'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (i < 3 ? l[i]!.length : 0))));
  const row = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  const covered = rows.filter((r) => r.rule).length;
  return [row(header), ...lines.map(row), '', `${covered} of ${rows.length} techniques covered`].join('\n');
}
