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

  it('match: subset finds the expected findings in order among others; all (the default) wants every one', async () => {
    const folder = join(ROOT, 'events/scenarios/01-mcp-server-deletes-bucket');
    const file = join(work, 'subset.yaml');
    const cases = (match: string, expected: string) => `name: x\nmatch: ${match}\nevents: [${JSON.stringify(folder)}]\nexpected: ${expected}\n`;
    writeFileSync(file, cases('subset', '[{ eventName: DeleteBucket, verdict: violation }]'));
    expect((await runCli(['test', file])).code).toBe(0);
    writeFileSync(file, cases('all', '[{ eventName: DeleteBucket, verdict: violation }]'));
    const all = await runCli(['test', file]);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain('expected 1 findings, got 2');
    // Order counts: DeleteBucket comes after ListBuckets, not before it.
    writeFileSync(file, cases('subset', '[{ eventName: DeleteBucket }, { eventName: ListBuckets }]'));
    const order = await runCli(['test', file]);
    expect(order.code).toBe(1);
    expect(order.stdout).toContain('expected finding 2 ({"eventName":"ListBuckets"}) is not among the findings after the one before it');
  });

  it.each([
    ['no-events.yaml', 'name: x\nexpected: []\n', /no-events\.yaml: events: /],
    // The line of the typo'd key, as an editor shows it.
    ['typo.yaml', `name: x\nevents: [${JSON.stringify(agentDeletesBucket)}]\nexpected:\n  - verdict: allow\n    verdikt: allow\n`, /typo\.yaml: line 5: expected\[0\]\.verdikt: Unrecognized key: "verdikt"/],
    ['bad-verdict.yaml', `name: x\nevents: [${JSON.stringify(agentDeletesBucket)}]\nexpected: [{ verdict: blocked }]\n`, /bad-verdict\.yaml: line 3: expected\[0\]\.verdict: /],
    // Signal names and scopes are checked, not compared as free text.
    ['bad-signal.yaml', `name: x\nevents: [${JSON.stringify(agentDeletesBucket)}]\nexpected: [{ signals: [mcp] }]\n`, /bad-signal\.yaml: line 3: expected\[0\]\.signals\[0\]: Invalid option: expected one of "mcp-service"/],
    ['bad-scope.yaml', `name: x\nevents: [${JSON.stringify(agentDeletesBucket)}]\nexpected: [{ scope: everyone }]\n`, /bad-scope\.yaml: line 3: expected\[0\]\.scope: /],
  ])('%s is a usage error naming the file and path, exit 2', async (name, text, message) => {
    const file = join(work, name);
    writeFileSync(file, text);
    const { code, stderr } = await runCli(['test', file]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
