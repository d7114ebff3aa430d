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

  it('no command example carries a fixed date that has passed (an exemption must end in the future)', () => {
    const now = Date.now();
    const dated = [...README.matchAll(/"(?:until|at|expiresAt)":"(\d{4}-\d{2}-\d{2}T[\d:]+Z)"/g)].map((m) => m[1]!);
    expect(dated.filter((date) => Date.parse(date) < now)).toEqual([]);
  });
});
