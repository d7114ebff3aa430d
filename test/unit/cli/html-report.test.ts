import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, SCENARIOS } from '../../helpers/run-cli.ts';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'agent-guardrail-html-'));
});

describe('replay --format html', () => {
  it('writes one self-contained page: summary, timelines per principal, each violation with signals, rule, response and documents', async () => {
    const output = join(work, 'report.html');
    const { code, stdout, stderr } = await runCli(['replay', '--format', 'html', '--output', output, SCENARIOS]);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
    const page = readFileSync(output, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    // Self-contained: nothing loaded, nothing run.
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
    expect(page).not.toMatch(/<script|<link|src=|href=/i);
    expect(page).toContain('<div class="card "><b>14</b>events</div>');
    expect(page).toContain('<div class="card violation"><b>8</b>violations (1 late)</div>');
    expect(page).toContain('<h2>Violations (8)</h2>');
    expect(page.match(/<details open>/g)).toHaveLength(8);
    // Timelines: one row per principal with agent activity or a finding, told apart by role/session.
    for (const principal of ['DevOps/agent-run-42', 'DevOps/alice@example.com', 'Platform/coding-assistant', 'Admin/dave@example.com']) expect(page).toContain(`111122223333 ${principal}</div>`);
    expect(page).toMatch(/<circle cx="[\d.]+%" cy="10" r="5" fill="#c62828"><title>2026-11-20T09:11:00.000Z PutRolePolicy: violation \(no-privilege-escalation\)<\/title><\/circle>/);
    // A violation's card: signals with evidence, rule, response and scope, and the complete document.
    const escalation = page.slice(page.indexOf('<details open><summary>PutRolePolicy by DevOps/agent-run-42'));
    expect(escalation).toContain('<span class="tag">session-tag</span>');
    expect(escalation).toContain('<dt>Response</dt><dd>deny-action (agent scope)</dd>');
    expect(escalation).toContain('inline policy AgentGuardrail-DenyActions on role DevOps in 111122223333');
    expect(escalation).toContain('&quot;aws:PrincipalTag/ai-agent&quot;: &quot;true&quot;');
    // The protected role is never written: its agent is contained by an SCP on the account.
    const protectedRole = page.slice(page.indexOf('<details open><summary>DeleteTrail by OrganizationAccountAccessRole/break-glass'));
    expect(protectedRole).toContain('<dt>Response</dt><dd>scp-deny (agent scope)</dd>');
    expect(protectedRole).toContain('scp policy AgentGuardrail-Scp-111122223333 on account 111122223333 in 111122223333');
  });

  it('escapes what the records say: a hostile user agent is shown, never run', async () => {
    const record = JSON.parse(readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;
    record.userAgent = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    delete record.userIdentity.invokedBy;
    record.sourceIPAddress = '203.0.113.5';
    const input = join(work, 'hostile.json');
    writeFileSync(input, JSON.stringify(record));
    const policy = join(work, 'ua.yaml');
    writeFileSync(policy, readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace('userAgentPatterns: [', 'userAgentPatterns: ["*script*", '));
    const output = join(work, 'hostile.html');
    expect((await runCli(['replay', '--policy', policy, '--format', 'html', '--output', output, input])).code).toBe(0);
    const page = readFileSync(output, 'utf8');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toMatch(/<script|<img/i);
  });
});
