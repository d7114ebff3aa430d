import { describe, expect, it } from 'vitest';
import { isAgentOnlyIdentity } from '../../../../functions/core/detect/agent-identity.ts';
import { identifyPrincipal, principalFromArn } from '../../../../functions/core/detect/principal.ts';
import { principalArnConditionPatterns } from '../../../../functions/core/prevent/keep-signal.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';
import { roleSessionRecord, valid } from '../../../helpers/records.ts';

const sessionOf = (role: string, session: string) =>
  identifyPrincipal(
    valid(
      roleSessionRecord({
        userIdentity: {
          type: 'AssumedRole', principalId: `AROAEXAMPLEIDENTITY1:${session}`, arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`, accountId: '111122223333', accessKeyId: 'ASIAEXAMPLEIDENTITY1',
          sessionContext: { sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEIDENTITY1', arn: `arn:aws:iam::111122223333:role/${role}`, accountId: '111122223333', userName: role } },
        },
      }),
    ),
  );

describe('an identity that exists only for agents', () => {
  it('is a role or user the shipped policy declares, or a role carrying the agent role tag', async () => {
    const { agents } = await loadDefaultPolicy();
    expect(isAgentOnlyIdentity(sessionOf('agent-runner', 'job-1'), null, agents)).toBe(true);
    expect(isAgentOnlyIdentity(principalFromArn('arn:aws:iam::111122223333:user/agent-grokbot')!, null, agents)).toBe(true);
    expect(isAgentOnlyIdentity(sessionOf('Bot', 'bot-session'), new Map([['ai-agent', 'true']]), agents)).toBe(true);
  });

  it('is never a shared role, a person, or a role whose tag says otherwise', async () => {
    const { agents } = await loadDefaultPolicy();
    expect(isAgentOnlyIdentity(sessionOf('DevOps', 'agent-run-42'), null, agents)).toBe(false);
    expect(isAgentOnlyIdentity(principalFromArn('arn:aws:iam::111122223333:user/alice')!, null, agents)).toBe(false);
    expect(isAgentOnlyIdentity(sessionOf('Bot', 'bot-session'), new Map([['ai-agent', 'false']]), agents)).toBe(false);
  });

  it('a pattern on session names marks sessions, not the role: the role is not agent-only', async () => {
    const policy = await loadDefaultPolicy();
    const agents = { ...policy.agents, principalArns: [/^arn:aws:sts::\d{12}:assumed-role\/DevOps\/agent-/] };
    expect(isAgentOnlyIdentity(sessionOf('DevOps', 'agent-1'), null, agents)).toBe(false);
  });
});

describe('declared agent principals in aws:PrincipalArn', () => {
  it('an assumed-role pattern that takes every session is written as its role; one on session names is left out', () => {
    expect(
      principalArnConditionPatterns(['arn:aws:iam::*:role/agent-*', 'arn:aws:sts::*:assumed-role/agent-*/*', 'arn:aws:iam::*:user/agent-*', 'arn:aws:sts::*:assumed-role/DevOps/agent-*']),
    ).toEqual(['arn:aws:iam::*:role/agent-*', 'arn:aws:iam::*:user/agent-*']);
  });
});
