import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../functions/core/detect/principal.ts';
import { buildDenyAction } from '../../../../functions/core/respond/builders/deny-action.ts';
import { mergeDocuments, type PolicyDocument } from '../../../../functions/core/respond/policy-document.ts';
import type { ResponseInput } from '../../../../functions/core/respond/response-input.ts';
import type { CompiledRule } from '../../../../functions/core/policy/compile-policy.ts';
import { boundSessionKey } from '../../../../functions/core/state/guardrail-state.ts';

const A = 'AROAEXAMPLEDEVOPS001:agent-a';
const B = 'AROAEXAMPLEDEVOPS001:agent-b';
const A_AT = Date.parse('2026-11-20T09:00:00Z');
const B_AT = Date.parse('2026-11-20T09:05:00Z');
const BOUND_A = boundSessionKey(A, A_AT);
const BOUND_B = boundSessionKey(B, B_AT);
const principal = (userId: string) =>
  ({ kind: 'role-session', display: `arn:aws:sts::111122223333:assumed-role/DevOps/${userId.split(':')[1]}`, arn: 'arn:aws:iam::111122223333:role/DevOps', account: '111122223333', partition: 'aws', roleName: 'DevOps', sessionName: userId.split(':')[1], roleSessionKey: userId, accessKeyId: null, delegatedKey: null, issuedAt: userId === A ? A_AT : B_AT, isServiceLinked: false, isIdentityCenter: false }) as Principal;
const input = (userId: string, actions: string[]): ResponseInput =>
  ({ response: 'deny-action', scope: 'session', principal: principal(userId), signals: ['user-agent'], rule: { actionPatterns: actions, resourcePatterns: ['*'] } as unknown as CompiledRule, action: actions[0]!, at: 0, revokeBefore: 1000, agents: { sessionTags: {}, sourceIdentityPrefixes: [] } as never, agentSessions: [BOUND_A, BOUND_B] }) as ResponseInput;

describe('binding every agent session of a role', () => {
  it('keeps each session bound to every earlier action when later containments merge into the document', () => {
    const first = buildDenyAction(input(A, ['iam:PutRolePolicy'])).writes[0]!.document;
    const second = buildDenyAction(input(B, ['s3:DeleteBucket'])).writes[0]!.document;
    const merged: PolicyDocument = mergeDocuments(first, second);
    // One statement per session (its name and issue time), each denied both rules' actions.
    const statements = merged.Statement.filter((s) => s.Sid.startsWith('DenyAgentSession'));
    expect(statements).toHaveLength(2);
    for (const [userId, at] of [[A, A_AT], [B, B_AT]] as const) {
      const bound = statements.find((s) => (s.Condition!.StringEquals as Record<string, string>)['aws:userid'] === userId)!;
      expect(bound.Action).toEqual(['iam:PutRolePolicy', 's3:DeleteBucket']);
      expect(bound.Condition!.DateGreaterThanEquals).toEqual({ 'aws:TokenIssueTime': new Date(at - 1000).toISOString() });
      expect(bound.Condition!.DateLessThan).toEqual({ 'aws:TokenIssueTime': new Date(at + 2000).toISOString() });
    }
  });

  it('writes one statement when the violating session is the only one recorded', () => {
    const only = buildDenyAction({ ...input(A, ['iam:PutRolePolicy']), agentSessions: [BOUND_A] }).writes[0]!.document;
    expect(only.Statement).toHaveLength(1);
    expect(only.Statement[0]!.Sid).toMatch(/^DenyAgentSessionagenta[0-9a-f]{8}$/);
  });
});
