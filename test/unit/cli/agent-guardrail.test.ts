import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, ROOT, runCli as cli, SCENARIOS } from '../../helpers/run-cli.ts';

const run = promisify(execFile);

const CONTRACT_KEYS = ['eventID', 'eventName', 'account', 'principal', 'agent', 'signals', 'verdict', 'rule', 'response', 'reason', 'eventTime', 'region', 'scope', 'escalated'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'agent-guardrail-cli-'));
});

describe('agent-guardrail replay --format json', () => {
  it('prints one contract object per event, late findings flagged, and a summary last', async () => {
    const { code, stdout, stderr } = await cli(['replay', '--format', 'json', SCENARIOS]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = jsonLines(stdout);
    const summary = lines.pop()!;
    for (const line of lines) {
      expect(Object.keys(line).filter((k) => k !== 'late' && k !== 'session')).toEqual(CONTRACT_KEYS);
      expect(line.late === undefined || line.late === true).toBe(true);
      expect(line.session === undefined || line.session === 'unknown').toBe(true);
    }
    const late = lines.filter((line) => line.late === true);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ eventName: 'CreateAccessKey', verdict: 'violation', rule: 'no-credential-minting' });
    expect(summary).toMatchObject({ summary: { events: 14, late: 1, violation: 8, protected: 0 } });
    // The summary adds up: the parked-then-late event is counted once, under its final verdict.
    const counts = (summary as { summary: Record<string, number> }).summary;
    expect(counts.allow! + counts.violation! + counts.protected! + counts.exempt! + counts.invalid!).toBe(counts.events);
    expect(lines.filter((line) => !line.late)).toHaveLength(14);
  });

  it('reads gzipped log files, JSON Lines and bare records from nested folders', async () => {
    const record = JSON.parse(readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;
    const folder = join(work, 'mixed');
    mkdirSync(join(folder, 'nested'), { recursive: true });
    const copy = (n: number) => ({ ...record, eventID: `${record.eventID.slice(0, -2)}${String(n).padStart(2, '0')}` });
    writeFileSync(join(folder, 'trail.json.gz'), gzipSync(JSON.stringify({ Records: [copy(1), copy(2)] })));
    writeFileSync(join(folder, 'nested', 'events.jsonl'), `${JSON.stringify(copy(3))}\nnot json\n${JSON.stringify({ detail: copy(4), 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', account: '111122223333' })}\n`);
    writeFileSync(join(folder, 'nested', 'notes.txt'), 'ignored when walking folders');
    const { code, stdout } = await cli(['replay', '--format', 'json', folder]);
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    const summary = lines.pop() as { summary: Record<string, number> };
    expect(lines.map((l) => l.verdict)).toEqual(['violation', 'invalid', 'violation', 'violation', 'violation']);
    expect(lines[1]!.reason).toBe('line 2 is not JSON');
    expect(summary.summary).toMatchObject({ events: 5, invalid: 1, violation: 4 });
  });

  it('answers each eventID once when trails overlap, as the guard does, and counts the copies apart', async () => {
    const record = JSON.parse(readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;
    const folder = join(work, 'overlap');
    mkdirSync(folder, { recursive: true });
    // The same call in an organization trail and an account trail.
    writeFileSync(join(folder, 'org.json'), JSON.stringify({ Records: [record] }));
    writeFileSync(join(folder, 'account.json'), JSON.stringify({ Records: [record] }));
    const json = await cli(['replay', '--format', 'json', folder]);
    const rows = jsonLines(json.stdout);
    const summary = rows.pop() as { summary: Record<string, number> };
    expect(rows).toHaveLength(1);
    expect(summary.summary).toMatchObject({ events: 1, violation: 1, duplicates: 1 });
    const table = await cli(['replay', folder]);
    expect(table.stdout).toContain('1 record read again under an eventID already read (overlapping trails): counted once.');
  });

  it('reads on past a JSON Lines line cut short: one invalid event for it, the lines after it read', async () => {
    const scenario = (n: string) => JSON.parse(readFileSync(join(SCENARIOS, n), 'utf8')).detail as Record<string, unknown>;
    const lines = ['03-human-on-same-role/01-AssumeRole.json', '01-mcp-server-deletes-bucket/02-DeleteBucket.json', '03-human-on-same-role/02-PutRolePolicy.json'].map((f) => JSON.stringify(scenario(f)));
    const file = join(work, 'cut.jsonl');
    writeFileSync(file, `${lines[0]}
${lines[1]!.slice(0, 200)}
${lines[2]}
`);
    const { code, stdout, stderr } = await cli(['replay', '--format', 'json', file]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const rows = jsonLines(stdout);
    const summary = rows.pop() as { summary: Record<string, number> };
    expect(rows.map((r) => r.verdict)).toEqual(['allow', 'invalid', 'allow']);
    expect(rows[1]!.reason).toBe('line 2 is not JSON (cut short)');
    expect(summary.summary).toMatchObject({ events: 3, invalid: 1 });
  });
});

describe('agent-guardrail exit codes', () => {
  it('exits 1 with --fail-on-violation when a violation was found, 0 without', async () => {
    expect((await cli(['replay', '--fail-on-violation', join(SCENARIOS, '01-mcp-server-deletes-bucket')])).code).toBe(1);
    expect((await cli(['replay', '--fail-on-violation', join(SCENARIOS, '03-human-on-same-role')])).code).toBe(0);
  });

  it.each([
    [['replay', '/no/such/path'], /^agent-guardrail: \/no\/such\/path: no such file or folder\n$/],
    [['replay', '--nope', 'x'], /^agent-guardrail: unknown option '--nope'\n$/],
    [['replay', '--format', 'xml', 'x'], /^agent-guardrail: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, html.\n$/],
    [['replay'], /^agent-guardrail: missing required argument 'inputs'\n$/],
    [['frobnicate'], /^agent-guardrail: unknown command 'frobnicate'\n$/],
    [['demo', '--policy', 'x.yaml'], /^agent-guardrail: unknown option '--policy'\n$/],
    [['check', '--fail-on-violation'], /^agent-guardrail: unknown option '--fail-on-violation'\n$/],
    [['check', '--format', 'yaml'], /^agent-guardrail: option '--format <format>' argument 'yaml' is invalid. Allowed choices are text, json.\n$/],
    [['check', 'extra'], /^agent-guardrail: too many arguments for 'check'. Expected 0 arguments but got 1.\n$/],
    [['replay', '--since', 'yesterday', 'x'], /^agent-guardrail: --since must be an ISO 8601 time .* not "yesterday"\n$/],
    [['replay', '--verdict', 'bad', 'x'], /^agent-guardrail: --verdict must be one of allow, violation, protected, exempt, invalid, not "bad"\n$/],
    [['invoke', 'nope', 'x.json'], /^agent-guardrail: command-argument value 'nope' is invalid for argument 'handler'. Allowed choices are guard, override, heartbeat.\n$/],
  ])('exits 2 with a one-line error for %j', async (args, message) => {
    const { code, stderr, stdout } = await cli(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('exits 2 naming the file, line and path of a policy problem', async () => {
    const policy = join(work, 'bad.yaml');
    writeFileSync(policy, readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace('"iam:CreatePolicyVersion"', '"iam:CreatePolicyVersio"'));
    const { code, stderr } = await cli(['check', '--policy', policy]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bad\.yaml:\d+:\d+ rules\[\d+\]\.match\.actions\[2\]: unknown IAM action "iam:CreatePolicyVersio" \(did you mean "iam:CreatePolicyVersion"\?\)/);
  });
});

describe('agent-guardrail check and table output', () => {
  it('--format json prints the compiled EventBridge patterns as JSON and nothing else', async () => {
    const { code, stdout } = await cli(['check', '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { valid: boolean; eventPatterns: { name: string }[] };
    expect(report.valid).toBe(true);
    expect(report.eventPatterns.map((p) => p.name)).toEqual(expect.arrayContaining(['iam', 'sts', 's3', 'cloudtrail']));
  });

  it('escapes control and bidi characters in table output', async () => {
    const record = JSON.parse(readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;
    record.userAgent = 'evil\u202e\u001b[31m';
    record.userIdentity.invokedBy = undefined;
    record.sourceIPAddress = '203.0.113.5';
    const file = join(work, 'bidi.json');
    writeFileSync(file, JSON.stringify(record));
    const policy = join(work, 'ua.yaml');
    writeFileSync(policy, readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace('userAgentPatterns: [', 'userAgentPatterns: ["evil*", '));
    const { stdout } = await cli(['replay', '--policy', policy, file]);
    expect(stdout).toContain('\\u202e');
    expect(stdout).not.toMatch(/[\u202e\u001b]/);
  });
});

describe('npm run --silent cli', () => {
  it('prints only the command output', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'cli', '--', 'check', '--format', 'json'], {
      cwd: ROOT,
      env: { ...process.env, npm_config_loglevel: 'silent' },
    });
    expect(() => JSON.parse(stdout)).not.toThrow();
  });
});

describe('agent-guardrail plan', () => {
  it('prints the complete documents of each violation, later ones merged with earlier ones', async () => {
    const { code, stdout } = await cli(['plan', join(SCENARIOS, '02-tagged-session-escalates')]);
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    const summary = lines.pop();
    // Three violations write to one inline policy document (merged), so it counts once.
    expect(summary).toMatchObject({ summary: { violations: 3, writes: 3, documents: 2 } });
    for (const line of lines) {
      expect(Object.keys(line).filter((k) => k !== 'tags')).toEqual(['eventID', 'eventName', 'principal', 'rule', 'response', 'scope', 'writes', 'effects']);
      expect(line.principal).toBe('arn:aws:sts::111122223333:assumed-role/DevOps/agent-run-42');
      expect(Array.isArray(line.effects)).toBe(true);
    }
    expect(lines.map((l) => [l.response, l.scope])).toEqual([
      ['deny-action', 'agent'],
      ['deny-action', 'agent'],
      ['quarantine-role', 'agent'],
    ]);
    const writes = lines[0]!.writes as { target: string; name: string; policyName: string; policyType: string; document: { Statement: unknown[] } }[];
    expect(writes[0]).toMatchObject({ target: 'role', name: 'DevOps', policyName: 'AgentGuardrail-DenyActions', policyType: 'inline' });
    expect(lines[1]!.writes).toEqual(lines[0]!.writes);
  });
});

describe('agent-guardrail demo', () => {
  it('explains every scenario: detection, response and the documents it would write', async () => {
    const { code, stdout, stderr } = await cli(['demo']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toContain('VIOLATION of no-data-destruction');
    expect(stdout).toContain('writes inline policy AgentGuardrail-Quarantine on role DevOps');
    expect(stdout).toContain('when aws:PrincipalTag/ai-agent StringEquals "true"');
    expect(stdout).toContain('(re-examined late)');
    // A protected role is never written: the agent on it is denied by an SCP on the account.
    expect(stdout).toMatch(/DeleteTrail by arn:aws:sts::111122223333:assumed-role\/OrganizationAccountAccessRole\/break-glass\n\s+VIOLATION of no-audit-evasion .*\n\s+response: scp-deny on the agent's requests and exact sessions only .*\n\s+writes scp policy AgentGuardrail-Scp-111122223333 on account 111122223333:\n\s+Deny \* when aws:ViaAWSMCPService Bool "true"/);
    expect(stdout).toContain('VIOLATION of guardrail-tamper');
    expect(stdout).toMatch(/^8 violations found/m);
  });
});

describe('agent-guardrail check', () => {
  it('--coverage prints technique → ATT&CK → rule → response for the whole catalogue', async () => {
    const { code, stdout, stderr } = await cli(['check', '--coverage']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^aws\.exfiltration\.ec2-share-ebs-snapshot\s+T1537\s+no-sharing-outside\s+deny-action, quarantine-role after 2 within 1h$/m);
    expect(stdout).toMatch(/^aws\.initial-access\.console-login-without-mfa\s+T1078\.004\s+no-console-sign-in-without-mfa\s+quarantine-role$/m);
    expect(stdout).toMatch(/^aws\.impact\.s3-ransomware-client-side-encryption\s+T1486\s+no-customer-key-encryption\s+deny-action, quarantine-role after 2 within 10m$/m);
    expect(stdout).toMatch(/^43 of 43 techniques covered$/m);
  });

  it('prints a one-line verdict by default', async () => {
    const { code, stdout } = await cli(['check']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^guardrail\.yaml: valid, monitor mode, \d+ rules over \d+ services, \d+ EventBridge patterns; read-only events needed by no-secret-harvesting, .*; data events needed by no-mass-object-deletion, no-customer-key-encryption; every response binds only what IAM can attribute to the agent\n$/);
  });

  it('states the cost of a rule that asks for the whole identity', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-guardrail-scope-'));
    const policy = join(dir, 'guardrail.yaml');
    writeFileSync(policy, readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace('    response: scp-deny\n', '    response: scp-deny\n    scope: role\n'));
    const { code, stdout } = await cli(['check', '--policy', policy]);
    expect(code).toBe(0);
    expect(stdout).toContain('scope: role in no-leaving-organization: their responses contain the whole role or user, every person and pipeline on it included');
  });

  it('--format json lists the rules that need data events or read-only events', async () => {
    const { code, stdout } = await cli(['check', '--format', 'json']);
    expect(code).toBe(0);
    const rules = (JSON.parse(stdout) as { rules: { id: string; dataEvents?: string[]; readOnlyEvents?: string[] }[] }).rules;
    expect(rules.find((r) => r.id === 'no-mass-object-deletion')?.dataEvents).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion']);
    expect(rules.find((r) => r.id === 'no-secret-harvesting')?.readOnlyEvents).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:BatchGetSecretValue']));
    expect(rules.find((r) => r.id === 'no-privilege-escalation')).not.toHaveProperty('dataEvents');
  });
});

describe('replay and test, as a newcomer uses them', () => {
  const tagged = join(SCENARIOS, '02-tagged-session-escalates');

  it('names the known rules when --rule names none of them, instead of showing nothing', async () => {
    const { code, stdout, stderr } = await cli(['replay', '--rule', 'no-privilege-escalaton', tagged]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^agent-guardrail: --rule no-privilege-escalaton: no such rule; the rules are no-guardrail-changes, no-privilege-escalation, .*guardrail-tamper, guardrail-signal-drop\n$/);
  });

  it('shows allowed rows when --verdict allow asks for them, without --all', async () => {
    const { code, stdout } = await cli(['replay', '--verdict', 'allow', join(SCENARIOS, '03-human-on-same-role')]);
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((line) => / allow /.test(line))).toHaveLength(2);
    expect(stdout).not.toMatch(/allowed events not shown/);
  });

  it('fails on violation only for the rows the filters select, so CI can fail on one rule', async () => {
    expect((await cli(['replay', '--fail-on-violation', '--rule', 'no-audit-evasion', tagged])).code).toBe(0);
    expect((await cli(['replay', '--fail-on-violation', '--rule', 'no-privilege-escalation', tagged])).code).toBe(1);
    expect((await cli(['replay', '--fail-on-violation', '--account', '444455556666', tagged])).code).toBe(0);
  });

  it.each([
    [['replay', '--output', '/nonexistent-dir/out.txt', join(SCENARIOS, '03-human-on-same-role')], '--output /nonexistent-dir/out.txt: cannot be written (ENOENT)'],
    [['test', '--junit', '/nonexistent-dir/report.xml'], '--junit /nonexistent-dir/report.xml: cannot be written (ENOENT)'],
  ])('answers a path it cannot write with one line and exit 2: %j', async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toBe(`agent-guardrail: ${message}\n`);
  });
});

describe('options that agree between commands', () => {
  it('plan takes the window, the output file and --keep-going as replay does', async () => {
    const all = jsonLines((await cli(['plan', SCENARIOS])).stdout);
    const summary = (all.at(-1) as { summary: { violations: number } }).summary;
    expect(summary.violations).toBeGreaterThan(0);
    // Nothing of the scenarios happened before 2026: an --until before them plans nothing.
    const before = await cli(['plan', '--until', '2025-01-01T00:00:00Z', SCENARIOS]);
    expect(before.code).toBe(0);
    expect(jsonLines(before.stdout)).toEqual([{ summary: expect.objectContaining({ violations: 0 }) }]);
    const file = join(work, 'plan.jsonl');
    const written = await cli(['plan', '--output', file, SCENARIOS]);
    expect(written).toMatchObject({ code: 0, stdout: '' });
    expect(jsonLines(readFileSync(file, 'utf8'))).toEqual(all);
    const folder = join(work, 'plan-bad');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a-notes.json'), '{"name":"not cloudtrail"}');
    writeFileSync(join(folder, 'b-trail.json'), readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json')));
    expect((await cli(['plan', folder])).code).toBe(2);
    const going = await cli(['plan', '--keep-going', folder]);
    expect(going.code).toBe(0);
    expect(going.stderr).toMatch(/a-notes\.json: not CloudTrail/);
    expect(jsonLines(going.stdout).at(-1)).toMatchObject({ summary: { violations: 1, skippedSources: 1 } });
  });

  it('help names a command at any depth; check --coverage takes --format json; compile boundary takes --format json', async () => {
    const help = await cli(['help', 'compile', 'scp']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: agent-guardrail compile scp \[options\]/);
    const unknown = await cli(['help', 'compile', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const coverage = await cli(['check', '--coverage', '--format', 'json']);
    expect(coverage.code).toBe(0);
    const parsed = JSON.parse(coverage.stdout) as { techniques: { id: string }[] };
    expect(parsed.techniques.length).toBeGreaterThan(40);
    const boundary = await cli(['compile', 'boundary', '--format', 'json']);
    expect(boundary.code).toBe(0);
    expect(JSON.parse(boundary.stdout)).toHaveProperty('Statement');
  });
});
