import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../helpers/run-cli.ts';

// Facts the README states that the code can change: kept true by these tests rather than by memory.
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

describe('the README states what the code does', () => {
  it('the check line: rules, services and EventBridge patterns as `check` prints them for the shipped policy', async () => {
    const { stdout } = await runCli(['check']);
    const printed = stdout.trim();
    const stated = README.split('\n').find((line) => line.startsWith('guardrail.yaml: valid'))!;
    const head = (line: string) => line.slice(0, line.indexOf('; read-only events needed by'));
    expect(head(stated)).toBe(head(printed));
    // The elided tail begins as the printed one does.
    expect(printed.startsWith(stated.slice(0, stated.indexOf('…')))).toBe(true);
  });

  it('the bundled scenarios name only guardrail policies the guard writes', async () => {
    const { readdirSync } = await import('node:fs');
    const { DENY_ACTION_POLICY } = await import('../../../functions/core/respond/builders/deny-action.ts');
    const { REVOKE_SESSIONS_POLICY } = await import('../../../functions/core/respond/builders/revoke-sessions.ts');
    const { QUARANTINE_POLICY } = await import('../../../functions/core/respond/builders/quarantine-role.ts');
    const written = new Set([DENY_ACTION_POLICY, REVOKE_SESSIONS_POLICY, QUARANTINE_POLICY]);
    const texts = [join(ROOT, 'events/scenarios.json'), ...readdirSync(join(ROOT, 'events/scenarios'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))].map((f) => readFileSync(f, 'utf8'));
    const named = texts.flatMap((text) => [...text.matchAll(/"policyName":\s*"(AgentGuardrail-[^"]+)"|the (AgentGuardrail-[\w-]+) policy/g)].map((m) => m[1] ?? m[2]!));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !written.has(name))).toEqual([]);
  });

  it('no command example carries a fixed date that has passed (an exemption must end in the future)', () => {
    const now = Date.now();
    const dated = [...README.matchAll(/"(?:until|at|expiresAt)":"(\d{4}-\d{2}-\d{2}T[\d:]+Z)"/g)].map((m) => m[1]!);
    expect(dated.filter((date) => Date.parse(date) < now)).toEqual([]);
  });
});
