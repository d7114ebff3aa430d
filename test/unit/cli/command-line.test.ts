// Process tests of the command line as a security engineer meets it: help, the table on a terminal,
// filters, sessions begun before the replay, and input that is not CloudTrail.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, ROOT, runCli, SCENARIOS, stripAnsi } from '../../helpers/run-cli.ts';

const packageVersion = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const detailOf = (file: string) => JSON.parse(readFileSync(join(SCENARIOS, file), 'utf8')).detail as Record<string, any>;

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'agent-guardrail-cl-'));
});

describe('help and version', () => {
  it('--version prints the package version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `${packageVersion}\n`, stderr: '' });
  });

  it.each([['help', 'replay'], ['replay', '--help']])('%s %s prints the command usage on stdout, exit 0', async (...args) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: agent-guardrail replay \[options\] <inputs\.\.\.>/);
    for (const option of ['--verdict', '--rule', '--account', '--since', '--until', '--all', '--keep-going', '--fail-on-violation']) expect(stdout).toContain(option);
  });

  it('no arguments prints the usage on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await runCli([]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Usage: agent-guardrail \[options\] \[command\]/);
    expect(stderr).toContain('replay [options] <inputs...>');
  });
});

describe('the table on a terminal', () => {
  let sameRole: string;
  beforeAll(() => {
    // alice and bob (humans) and an agent session, all on role DevOps.
    const human = detailOf('03-human-on-same-role/02-PutRolePolicy.json');
    const agentSession = detailOf('02-tagged-session-escalates/01-AssumeRole.json');
    const agent = detailOf('02-tagged-session-escalates/02-PutRolePolicy.json');
    const alice = structuredClone(human);
    alice.eventID = 'e0000000-0000-4000-8000-00000000a11c';
    alice.userIdentity.arn = alice.userIdentity.arn.replace('bob@', 'alice@');
    alice.userIdentity.principalId = alice.userIdentity.principalId.replace('bob@', 'alice@');
    sameRole = join(work, 'same-role.json');
    writeFileSync(sameRole, JSON.stringify({ Records: [agentSession, alice, agent, human] }));
  });

  it('fits the width, tells sessions on one role apart, and shows only what is not allowed by default', async () => {
    const { code, stdout, stderr } = await runCli(['replay', sameRole], { terminalColumns: 120 });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stripAnsi(stdout).split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(119);
    expect(lines[0]).toMatch(/^TIME\s+ACCOUNT\s+REGION\s+PRINCIPAL\s+VERDICT\s+RULE\s+RESPONSE$/);
    expect(lines[1]).toMatch(/^11-20 09:11:00 111122223333 us-east-1\s+DevOps\/agent-run-42\s+violation\s+no-privilege-escalation\s+deny-action$/);
    const wide = stripAnsi((await runCli(['replay', sameRole], { terminalColumns: 160 })).stdout).split('\n');
    expect(wide[1]).toMatch(/^2026-11-20T09:11:00Z 111122223333 us-east-1\s+DevOps\/agent-run-42\s+violation\s+no-privilege-escalation\s+deny-action$/);
    // Narrower, the time drops its year first (above), then the region goes, so the rest still fits.
    const narrow = stripAnsi((await runCli(['replay', sameRole], { terminalColumns: 80 })).stdout).split('\n');
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(79);
    expect(narrow[0]).toMatch(/^TIME\s+ACCOUNT\s+PRINCIPAL\s+VERDICT\s+RULE\s+RESPONSE$/);
    expect(narrow[1]).toMatch(/^11-20 09:11:00 111122223333 DevOps\/agent-…\s+violation\s+no-privilege-es…/);
    expect(lines.filter((line) => / violation /.test(line))).toHaveLength(1);
    expect(stdout).toContain('DevOps/agent-run-42');
    expect(stdout).not.toContain('DevOps/alice@example.com');
    expect(stripAnsi(stdout)).toContain('3 allowed events not shown (--all shows every row).');
  });

  it('--all shows every row, each principal as role/session', async () => {
    const { stdout } = await runCli(['replay', '--all', sameRole], { terminalColumns: 160 });
    const rows = stripAnsi(stdout).split('\n').filter((line) => line.startsWith('2026-'));
    expect(rows.map((line) => line.split(/\s+/)[3]).slice(1)).toEqual(['DevOps/alice@example.com', 'DevOps/agent-run-42', 'DevOps/bob@example.com']);
  });

  it('colours verdicts on a terminal only, and never with NO_COLOR', async () => {
    const terminal = { TERM: 'xterm-256color' };
    expect((await runCli(['replay', sameRole], { terminalColumns: 100, env: terminal })).stdout).toContain('\x1b[31mviolation');
    expect((await runCli(['replay', sameRole], { terminalColumns: 100, env: { ...terminal, NO_COLOR: '1' } })).stdout).not.toContain('\x1b[');
    expect((await runCli(['replay', sameRole])).stdout).not.toContain('\x1b[');
    // CI runners set CI, which picocolors on its own reads as "colour": piped output must stay plain there too.
    expect((await runCli(['replay', sameRole], { env: { CI: 'true' } })).stdout).not.toContain('\x1b[');
    expect((await runCli(['test'], { env: { CI: 'true' } })).stdout).not.toContain('\x1b[');
  });

  it('keeps the progress bar on stderr, cleared before each line of output and at the end', async () => {
    const record = detailOf('02-tagged-session-escalates/02-PutRolePolicy.json');
    const big = join(work, 'big.jsonl');
    // Over the 8 MB below which no bar is drawn.
    const line = JSON.stringify(record);
    writeFileSync(big, `${Array.from({ length: Math.ceil((9 << 20) / line.length) }, (_, i) => line.replace(record.eventID, `e-${i}`)).join('\n')}\n`);
    const { code, stdout, stderr } = await runCli(['replay', '--verdict', 'violation', big], { terminalColumns: 90 });
    expect(code).toBe(0);
    expect(stdout).not.toContain('replay [');
    expect(stdout).not.toContain('\r');
    expect(stderr).toMatch(/replay \[#* *\] \d+% \d+\/\d+ MB/);
    for (const drawn of stderr.split('\r\x1b[2K').filter(Boolean)) expect(drawn.length).toBeLessThanOrEqual(89);
    expect(stderr.endsWith('\r\x1b[2K')).toBe(true);
  });
});

describe('filters and windows', () => {
  it('--verdict, --rule and --account pick rows; the summary still counts every event in the window', async () => {
    const scpOnly = await runCli(['replay', '--format', 'json', '--verdict', 'violation', '--rule', 'no-audit-evasion', SCENARIOS]);
    const rows = jsonLines(scpOnly.stdout);
    const summary = rows.pop()!.summary as Record<string, number>;
    expect(rows.map((row) => [row.verdict, row.eventName])).toEqual([['violation', 'StopLogging'], ['violation', 'DeleteTrail']]);
    expect(summary).toMatchObject({ events: 14, violation: 8, shown: 2 });
    const byRule = jsonLines((await runCli(['replay', '--format', 'json', '--rule', 'no-privilege-escalation,guardrail-tamper', SCENARIOS])).stdout);
    byRule.pop();
    expect(new Set(byRule.map((row) => row.rule))).toEqual(new Set(['no-privilege-escalation', 'guardrail-tamper']));
    const otherAccount = jsonLines((await runCli(['replay', '--format', 'json', '--account', '999988887777', SCENARIOS])).stdout);
    expect(otherAccount).toHaveLength(1);
  });

  it('--since and --until take ISO times or relative ones', async () => {
    const window = jsonLines((await runCli(['replay', '--format', 'json', '--since', '2026-11-20T09:10:00Z', '--until', '2026-11-20T09:15:00Z', SCENARIOS])).stdout);
    const summary = window.pop()!.summary as Record<string, number>;
    expect(window.map((row) => row.eventName)).toEqual(['AssumeRole', 'PutRolePolicy', 'AttachRolePolicy', 'AttachUserPolicy']);
    expect(summary.events).toBe(4);
    // The scenarios are from 2026-11-20: nothing in the last hour of a later clock.
    const recent = jsonLines((await runCli(['replay', '--format', 'json', '--since', '1h', SCENARIOS])).stdout);
    expect(recent).toEqual([{ summary: expect.objectContaining({ events: 0 }) }]);
  });
});

describe('sessions that began before the replay', () => {
  it('marks their events session unknown and counts them, instead of reading them as a human', async () => {
    // The call without the AssumeRole that tagged its session.
    const { stdout } = await runCli(['replay', '--format', 'json', join(SCENARIOS, '05-out-of-order-delivery/01-CreateAccessKey.json')]);
    const [finding, summary] = jsonLines(stdout);
    expect(finding).toMatchObject({ eventName: 'CreateAccessKey', verdict: 'allow', session: 'unknown' });
    expect(summary!.summary).toMatchObject({ unknownSessions: 1, sessionUnknownEvents: 1 });
    // When the AssumeRole follows in the replay, the late verdict settles it: counted once, known at the end.
    const whole = jsonLines((await runCli(['replay', '--format', 'json', join(SCENARIOS, '05-out-of-order-delivery')])).stdout);
    const total = whole.pop()!.summary as Record<string, number>;
    expect(whole.map((row) => [row.eventName, row.verdict, row.session ?? null, row.late ?? false])).toEqual([
      ['CreateAccessKey', 'allow', 'unknown', false],
      ['AssumeRole', 'allow', null, false],
      ['CreateAccessKey', 'violation', null, true],
    ]);
    expect(total).toMatchObject({ events: 2, allow: 1, violation: 1, late: 1, unknownSessions: 0, sessionUnknownEvents: 0 });
    const table = (await runCli(['replay', join(SCENARIOS, '05-out-of-order-delivery/01-CreateAccessKey.json')])).stdout;
    expect(table).toContain('1 session began before the replay (1 events, principal marked ?)');
  });
});

describe('input that is not CloudTrail', () => {
  const record = () => detailOf('01-mcp-server-deletes-bucket/02-DeleteBucket.json');

  it('reads standard input with -', async () => {
    const { code, stdout } = await runCli(['replay', '--format', 'json', '-'], { input: `${JSON.stringify(record())}\n` });
    expect(code).toBe(0);
    expect(jsonLines(stdout)[0]).toMatchObject({ eventName: 'DeleteBucket', verdict: 'violation' });
  });

  it.each([
    ['notes.json', 'These are my notes.\nNot JSON at all.\n', 'not JSON: it starts with "T"'],
    ['cut.json', () => JSON.stringify({ Records: [record(), record()] }).slice(0, 900), 'truncated: the file ends inside a JSON value (line 1)'],
    ['111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T100000Z.json', JSON.stringify({ awsAccountId: '111122223333', digestStartTime: '2026-11-20T09:00:00Z', digestEndTime: '2026-11-20T10:00:00Z', logFiles: [] }), 'a CloudTrail digest file (hashes of log files), not a log file'],
    ['package.json', '{"name":"x","version":"1.0.0"}', 'not CloudTrail: no Records, detail-type or event fields'],
    ['bad.json.gz', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]), 'corrupt gzip data'],
  ])('%s is one warning naming the file, exit 2; --keep-going reads on', async (name, content, reason) => {
    const file = join(work, name);
    writeFileSync(file, typeof content === 'function' ? content() : content);
    const good = join(work, `good-${name}.jsonl`);
    writeFileSync(good, `${JSON.stringify(record())}\n`);
    const stopped = await runCli(['replay', '--format', 'json', file, good]);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toBe(`agent-guardrail: warning: ${file}: ${reason} (stopped; --keep-going reads on)\n`);
    expect(stopped.stdout).not.toContain('"eventID":null');
    const going = await runCli(['replay', '--format', 'json', '--keep-going', file, good]);
    expect(going.code).toBe(0);
    expect(going.stderr).toBe(`agent-guardrail: warning: ${file}: ${reason} (skipped)\n`);
    const rows = jsonLines(going.stdout);
    expect(rows.pop()!.summary).toMatchObject({ events: 1, invalid: 0, violation: 1, skippedSources: 1 });
  });

  it('an empty folder warns and exits 2; a folder walk leaves digest files out', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(await runCli(['replay', empty])).toEqual({ code: 2, stdout: '', stderr: `agent-guardrail: warning: ${empty}: nothing to read here (no .json, .jsonl, .ndjson or .gz CloudTrail files)\n` });
    const trail = join(work, 'trail', 'AWSLogs', '111122223333');
    mkdirSync(join(trail, 'CloudTrail'), { recursive: true });
    mkdirSync(join(trail, 'CloudTrail-Digest'), { recursive: true });
    writeFileSync(join(trail, 'CloudTrail', '111122223333_CloudTrail_us-east-1_20261120T0910Z_abc.json.gz'), gzipSync(JSON.stringify({ Records: [record()] })));
    writeFileSync(join(trail, 'CloudTrail-Digest', '111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T100000Z.json.gz'), gzipSync('{"digestStartTime":"x","logFiles":[]}'));
    const walked = await runCli(['replay', '--format', 'json', join(work, 'trail')]);
    expect(walked.stderr).toBe('');
    expect(jsonLines(walked.stdout).pop()!.summary).toMatchObject({ events: 1 });
  });

  it('answers AWS service events (no userIdentity.type) as allow with a reason, not invalid', async () => {
    const { stdout } = await runCli(['replay', '--format', 'json', join(ROOT, 'test/corpus/cloudtrail/awsdocs-cloudtrail-RotateKey-1.json')]);
    expect(jsonLines(stdout)[0]).toMatchObject({ eventName: 'RotateKey', verdict: 'allow', reason: "AWS service event (AWS Internal): made by AWS, not by a principal's call" });
  });
});

describe('compile', () => {
  it('scp: nothing in monitor mode, the SCPs as JSON in enforce mode', async () => {
    const monitor = await runCli(['compile', 'scp']);
    expect(monitor).toMatchObject({ code: 0, stdout: expect.stringContaining('monitor mode: no preventive SCPs') });
    const enforce = await runCli(['compile', 'scp', '--mode', 'enforce', '--format', 'json']);
    expect(enforce.code).toBe(0);
    const compiled = JSON.parse(enforce.stdout) as { policies: { name: string; document: unknown }[]; summary: { sizes: number[] } };
    expect(compiled.policies.map((p) => p.name)).toEqual(compiled.policies.map((_, i) => `AgentGuardrail-Prevent-${i + 1}`));
    expect(compiled.summary.sizes).toEqual(compiled.policies.map((p) => JSON.stringify(p.document).length));
  });

  it('trust: needs the caller, as an IAM ARN', async () => {
    expect((await runCli(['compile', 'trust'])).code).toBe(2);
    expect(await runCli(['compile', 'trust', '--agent-caller', 'bob'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--agent-caller must be an IAM role or user ARN') });
    const trust = await runCli(['compile', 'trust', '--agent-caller', 'arn:aws:iam::111122223333:role/AgentRunner']);
    expect((JSON.parse(trust.stdout) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid)).toEqual(['AgentAssumesWithItsSignal', 'AgentTagsItsSession', 'AgentSetsItsSourceIdentity']);
  });

  it('boundary: a managed policy document', async () => {
    const boundary = await runCli(['compile', 'boundary']);
    expect(boundary.code).toBe(0);
    expect((JSON.parse(boundary.stdout) as { Statement: { Sid: string }[] }).Statement.at(-1)!.Sid).toBe('NeverLiftABoundary');
  });
});
