import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../../helpers/run-cli.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'agent-guardrail-pt-'));
});

const agentDeletesBucket = join(ROOT, 'events/scenarios/01-mcp-server-deletes-bucket/02-DeleteBucket.json');

describe('agent-guardrail test', () => {
  it('passes the policy tests shipped for the shipped policy (policy-tests/ by default)', async () => {
    const { code, stdout, stderr } = await runCli(['test']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^pass {2}policy-tests\/scenarios\.yaml: scenario-tampering$/m);
    expect(stdout).toMatch(/^(\d+) cases in \d+ files: \1 passed, 0 failed\.$/m);
  });

  it('reports each difference, exits 1 on a failure, and writes JUnit XML', async () => {
    const file = join(work, 'wrong.yaml');
    writeFileSync(
      file,
      [
        'cases:',
        '  - name: agent deletes a bucket',
        `    events: [${JSON.stringify(agentDeletesBucket)}]`,
        '    expected:',
        '      - { eventName: DeleteBucket, verdict: violation, rule: no-data-destruction, response: deny-action }',
        '  - name: inline record, right',
        `    events: [${JSON.stringify(JSON.parse(readFileSync(agentDeletesBucket, 'utf8')))}]`,
        '    expected: [{ verdict: violation, response: quarantine-role, scope: agent, signals: [mcp-service] }]',
      ].join('\n'),
    );
    const junit = join(work, 'report.xml');
    const { code, stdout } = await runCli(['test', '--junit', junit, file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`FAIL  ${file}: agent deletes a bucket\n      finding 1 (DeleteBucket): response expected "deny-action", got "quarantine-role"`);
    expect(stdout).toContain(`pass  ${file}: inline record, right`);
    expect(stdout).toContain('2 cases in 1 files: 1 passed, 1 failed.');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuites name="agent-guardrail policy tests" tests="2" failures="1">');
    expect(xml).toMatch(/<testcase classname="[^"]*wrong\.yaml" name="agent deletes a bucket" time="[\d.]+">\s*<failure message="finding 1 \(DeleteBucket\): response expected &quot;deny-action&quot;, got &quot;quarantine-role&quot;">/);
    expect(xml).toMatch(/<testcase classname="[^"]*" name="inline record, right" time="[\d.]+"\/>/);
  });

  it('a case with its own policy is judged under it', async () => {
    const file = join(work, 'own-policy.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'notify only',
        policy: "mode: enforce\nagents: { mcpServices: [aws-mcp.amazonaws.com] }\nrules:\n  - id: buckets\n    description: d\n    match: { actions: ['s3:DeleteBucket'] }\n    response: notify\n",
        events: [agentDeletesBucket],
        expected: [{ verdict: 'violation', rule: 'buckets', response: 'notify' }],
      }),
    );
    expect((await runCli(['test', file])).code).toBe(0);
  });

  it.each([
    ['no-events.yaml', 'name: x\nexpected: []\n', /no-events\.yaml: events: /],
    ['typo.yaml', `name: x\nevents: [${JSON.stringify(agentDeletesBucket)}]\nexpected: [{ verdikt: allow }]\n`, /typo\.yaml: expected\[0\]: Unrecognized key: "verdikt"/],
    ['bad-verdict.yaml', `name: x\nevents: [${JSON.stringify(agentDeletesBucket)}]\nexpected: [{ verdict: blocked }]\n`, /bad-verdict\.yaml: expected\[0\]\.verdict: /],
  ])('%s is a usage error naming the file and path, exit 2', async (name, text, message) => {
    const file = join(work, name);
    writeFileSync(file, text);
    const { code, stderr } = await runCli(['test', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
