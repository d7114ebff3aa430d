import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/detect/principal.ts';
import { buildDenyAction } from '../../../../functions/core/respond/builders/deny-action.ts';
import { mergeDocuments, type PolicyDocument } from '../../../../functions/core/respond/policy-document.ts';
import type { ResponseInput } from '../../../../functions/core/respond/response-input.ts';
import type { CompiledRule } from '../../../../functions/core/policy/compile-policy.ts';

const A = 'AROAEXAMPLEDEVOPS001:agent-a';
const B = 'AROAEXAMPLEDEVOPS001:agent-b';
const principal = (userId: string) =>
  ({ kind: 'role-session', display: `arn:aws:sts::111122223333:assumed-role/DevOps/${userId.split(':')[1]}`, arn: 'arn:aws:iam::111122223333:role/DevOps', account: '111122223333', partition: 'aws', roleName: 'DevOps', sessionName: userId.split(':')[1], roleSessionKey: userId, accessKeyId: null, delegatedKey: null, isServiceLinked: false, isIdentityCenter: false }) as Principal;
const input = (userId: string, actions: string[]): ResponseInput =>
  ({ response: 'deny-action', scope: 'session', principal: principal(userId), signals: ['user-agent'], rule: { actionPatterns: actions, resourcePatterns: ['*'] } as unknown as CompiledRule, action: actions[0]!, at: 0, revokeBefore: 1000, agents: { sessionTags: {}, sourceIdentityPrefixes: [] } as never, agentSessions: [A, B] }) as ResponseInput;

describe('binding every agent session of a role', () => {
  it('keeps each session bound to every earlier action when later containments merge into the document', () => {
    const first = buildDenyAction(input(A, ['iam:PutRolePolicy'])).writes[0]!.document;
    const second = buildDenyAction(input(B, ['s3:DeleteBucket'])).writes[0]!.document;
    const merged: PolicyDocument = mergeDocuments(first, second);
    const lineage = merged.Statement.find((s) => s.Sid.startsWith('DenyAgentLineage'))!;
    expect(lineage.Condition).toEqual({ StringEquals: { 'aws:userid': [A, B] } });
    expect(lineage.Action).toEqual(['iam:PutRolePolicy', 's3:DeleteBucket']);
  });

  it('writes no list when the violating session is the only one recorded', () => {
    const only = buildDenyAction({ ...input(A, ['iam:PutRolePolicy']), agentSessions: [A] }).writes[0]!.document;
    expect(only.Statement.map((s) => s.Sid)).toEqual(['DenyAgentSessionAROAEXAMPLEDEVOPS001agenta']);
  });
});
