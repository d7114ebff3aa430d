import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { parseArn } from '../cloudtrail/arn.ts';
import { exactSessionCondition, type AgentCondition } from './agent-conditions.ts';
import { QUARANTINE_DOCUMENT, QUARANTINE_POLICY } from './builders/quarantine-role.ts';
import { REVOKE_SESSIONS_POLICY, revokeStatement } from './builders/revoke-sessions.ts';
import { inlineWrite } from './builders/target.ts';
import { document } from './policy-document.ts';
import type { PlannedWrite, ResponseEffect } from './response-input.ts';

// IAM names: what CreateUser and CreateRole accept.
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

const accountOf = (record: CloudTrailRecord) => record.recipientAccountId ?? record.userIdentity.accountId!;
const succeeded = (record: CloudTrailRecord, eventName: string) =>
  record.eventSource === 'iam.amazonaws.com' && record.eventName === eventName && !record.errorCode;

/** Tokens issued from the moment of a mint (to the second, less IAM's rounding) on. */
function mintWindow(record: CloudTrailRecord): AgentCondition {
  const minted = Math.floor(Date.parse(record.eventTime) / 1000) * 1000 - 1000;
  return { sid: `Minted${new Date(minted).toISOString().replace(/\D/g, '').slice(0, 14)}`, condition: { DateGreaterThanEquals: { 'aws:TokenIssueTime': new Date(minted).toISOString() } } };
}

/**
 * What an agent created in the violating call is the agent's, and is contained with it: the long-term key
 * a CreateAccessKey returned (deactivated, whoever it was minted for), a console password it set (the login
 * profile deleted), the user or role a CreateUser or
 * CreateRole made (quarantined: everything denied, so a backdoor principal is dead on arrival), the session
 * an AssumeRole minted (revoked on its role: aws:userid, tokens issued before `revokeBefore`); a key an
 * UpdateAccessKey put back Active (deactivated again: undoing a containment is tampering); and the temporary
 * credentials made from a minted key or password before the guard acted (that user's tokens issued since).
 */
export function agentCreations(record: CloudTrailRecord, revokeBefore: number): { readonly writes: PlannedWrite[]; readonly effects: ResponseEffect[] } {
  const writes: PlannedWrite[] = [];
  const effects: ResponseEffect[] = [];
  // Temporary credentials made from what the agent minted before the guard acted (GetSessionToken with the
  // key, a console sign-in with the password) outlive the key and the password: tokens of that user issued
  // between the mint and the containment are cut off (aws:TokenIssueTime), no others.
  const mintedFor = (userName: string) =>
    writes.push(
      { ...inlineWrite({ target: 'user', account: accountOf(record), name: userName }, REVOKE_SESSIONS_POLICY, document([revokeStatement(mintWindow(record), revokeBefore)])), ifIdentityExists: true },
    );
  if (succeeded(record, 'CreateAccessKey')) {
    const key = (record.responseElements as { accessKey?: { accessKeyId?: unknown; userName?: unknown } } | null | undefined)?.accessKey;
    if (typeof key?.accessKeyId === 'string' && typeof key.userName === 'string' && /^AKIA[A-Z0-9]{12,124}$/.test(key.accessKeyId)) {
      effects.push({ effect: 'deactivate-access-key', account: accountOf(record), userName: key.userName, accessKeyId: key.accessKeyId });
      if (IAM_NAME.test(key.userName)) mintedFor(key.userName);
    }
  }
  // A key put back Active (tampering with what a containment deactivated) is deactivated again.
  const reactivated = record.requestParameters;
  if (succeeded(record, 'UpdateAccessKey') && reactivated?.status === 'Active' && typeof reactivated.accessKeyId === 'string' && /^AKIA[A-Z0-9]{12,124}$/.test(reactivated.accessKeyId)) {
    const userName = reactivated.userName ?? (record.userIdentity.type === 'IAMUser' ? record.userIdentity.userName : undefined);
    if (typeof userName === 'string' && IAM_NAME.test(userName)) effects.push({ effect: 'deactivate-access-key', account: accountOf(record), userName, accessKeyId: reactivated.accessKeyId });
  }
  for (const eventName of ['CreateLoginProfile', 'UpdateLoginProfile']) {
    const userName = record.requestParameters?.userName ?? (record.userIdentity.type === 'IAMUser' ? record.userIdentity.userName : undefined);
    if (succeeded(record, eventName) && typeof userName === 'string' && IAM_NAME.test(userName)) {
      effects.push({ effect: 'delete-login-profile', account: accountOf(record), userName });
      mintedFor(userName);
    }
  }
  for (const [eventName, target, field] of [['CreateUser', 'user', 'userName'], ['CreateRole', 'role', 'roleName']] as const) {
    const name = record.requestParameters?.[field];
    if (succeeded(record, eventName) && typeof name === 'string' && IAM_NAME.test(name)) {
      writes.push(inlineWrite({ target, account: accountOf(record), name }, QUARANTINE_POLICY, QUARANTINE_DOCUMENT));
    }
  }
  const minted = (record.responseElements as { assumedRoleUser?: { assumedRoleId?: unknown } } | null | undefined)?.assumedRoleUser?.assumedRoleId;
  const roleArn = record.requestParameters?.roleArn;
  if (record.eventSource === 'sts.amazonaws.com' && record.eventName.startsWith('AssumeRole') && !record.errorCode && typeof minted === 'string' && typeof roleArn === 'string') {
    const role = parseArn(roleArn);
    const name = role?.resource.startsWith('role/') ? role.resource.slice(role.resource.lastIndexOf('/') + 1) : null;
    if (role && name && IAM_NAME.test(name)) {
      writes.push(inlineWrite({ target: 'role', account: role.account, name }, REVOKE_SESSIONS_POLICY, document([revokeStatement(exactSessionCondition(minted, Math.floor(Date.parse(record.eventTime) / 1000) * 1000), revokeBefore)])));
    }
  }
  return { writes, effects };
}
