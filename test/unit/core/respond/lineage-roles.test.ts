import { describe, expect, it } from 'vitest';
import { createDetector } from '../../../../functions/core/detect/detector.ts';
import type { Finding } from '../../../../functions/core/detect/finding.ts';
import { buildResponse } from '../../../../functions/core/respond/build-response.ts';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';
import { ACCOUNT, roleSessionRecord, valid } from '../../../helpers/records.ts';

const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const roleId = (name: string) => `AROA${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(16, 'X').slice(0, 16)}`;

/** A session of `name` (role, session), as CloudTrail shows its caller. */
function caller(roleName: string, session: string, key: string) {
  return {
    type: 'AssumedRole', principalId: `${roleId(roleName)}:${session}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${session}`, accountId: ACCOUNT, accessKeyId: key,
    sessionContext: { sessionIssuer: { type: 'Role', principalId: roleId(roleName), arn: role(roleName), accountId: ACCOUNT, userName: roleName } },
  };
}

function assume(n: number, by: unknown, into: string, session: string, key: string, tags = false) {
  return valid(roleSessionRecord({
    eventID: `e0000000-0000-4000-8000-00000000010${n}`, eventTime: `2026-11-20T09:0${n}:00Z`, eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', readOnly: true, userIdentity: by,
    requestParameters: { roleArn: role(into), roleSessionName: session, ...(tags ? { tags: [{ key: 'ai-agent', value: 'true' }] } : {}) },
    responseElements: { credentials: { accessKeyId: key, expiration: 'Nov 20, 2026, 10:00:00 AM' }, assumedRoleUser: { assumedRoleId: `${roleId(into)}:${session}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${into}/${session}` } },
  }));
}

/** An agent tagged on `parent` chains into `child` and changes a role policy from there. */
async function chain(parent: string, child: string): Promise<Finding> {
  const policy = { ...(await loadDefaultPolicy()) };
  const detector = createDetector({ ...policy, policy: { ...policy.policy, mode: 'enforce' } }, new InMemoryState());
  const user = { type: 'IAMUser', principalId: 'AIDAEXAMPLERUNNER001', arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLERUNNER001', userName: 'ci' };
  await detector.evaluate(assume(1, user, parent, 'agent', 'ASIAEXAMPLEPARENT001', true));
  await detector.evaluate(assume(2, caller(parent, 'agent', 'ASIAEXAMPLEPARENT001'), child, 'hop', 'ASIAEXAMPLECHILD0001'));
  const [finding] = await detector.evaluate(valid(roleSessionRecord({ eventTime: '2026-11-20T09:03:00Z', userIdentity: caller(child, 'hop', 'ASIAEXAMPLECHILD0001'), requestParameters: { roleName: 'Admin', policyName: 'x' } })));
  return finding!;
}

describe('the roles an agent chained from', () => {
  it('are bound: the agent\'s sessions there denied the rule\'s actions and re-entry into the contained role', async () => {
    const finding = await chain('DevOps', 'Build');
    expect(finding.verdict).toBe('violation');
    // The parent session exactly: its name and the time its AssumeRole issued it.
    expect(finding.detail!.lineageRoles).toEqual([{ roleArn: role('DevOps'), sessions: [`${roleId('DevOps')}:agent|2026-11-20T09:01:00.000Z`] }]);
    const writes = buildResponse(finding, await loadDefaultPolicy())!.writes;
    const onParent = writes.find((w) => w.name === 'DevOps')!;
    expect(onParent.document.Statement.map((s) => [s.Sid.replace(/[0-9a-f]{8}$/, ''), s.Resource])).toEqual([
      ['DenyAgentLineageSessionagent', '*'],
      ['DenyAgentReentrySessionagent', role('Build')],
    ]);
    expect(onParent.document.Statement[0]!.Condition).toMatchObject({ StringEquals: { 'aws:userid': `${roleId('DevOps')}:agent` }, DateGreaterThanEquals: { 'aws:TokenIssueTime': '2026-11-20T09:00:59.000Z' } });
  });

  it('never include a protected role: it is not written, whatever the agent did from it', async () => {
    const finding = await chain('OrganizationAccountAccessRole', 'Build');
    expect(finding.verdict).toBe('violation');
    expect(finding.detail!.lineageRoles).toBeUndefined();
    expect(buildResponse(finding, await loadDefaultPolicy())!.writes.map((w) => w.name)).not.toContain('OrganizationAccountAccessRole');
  });

  it('never include an Identity Center role (IAM refuses writes to it: the whole containment would fail)', async () => {
    const finding = await chain('AWSReservedSSO_Developer_0123456789abcdef', 'Build');
    expect(finding.verdict).toBe('violation');
    expect(finding.detail!.lineageRoles).toBeUndefined();
  });

  it('on the contained role itself (re-assumed), add re-entry to its one write, never a second write racing the first', async () => {
    const finding = await chain('DevOps', 'DevOps');
    const writes = buildResponse(finding, await loadDefaultPolicy())!.writes.filter((w) => w.name === 'DevOps' && w.policyName === 'AgentGuardrail-DenyActions');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.document.Statement.map((s) => s.Sid).some((sid) => sid.startsWith('DenyAgentReentry'))).toBe(true);
  });
});
