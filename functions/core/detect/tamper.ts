import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { takenKey } from '../state/guardrail-state.ts';

/** Every policy the guardrail writes is named with this prefix (DESIGN.md §4). */
export const GUARDRAIL_POLICY_PREFIX = 'AgentGuardrail-';
/** Tags the guardrail puts on roles it contains. */
export const GUARDRAIL_TAG_PREFIX = 'agent-guardrail:';

const INLINE_POLICY_EVENTS = new Set([
  'PutRolePolicy', 'DeleteRolePolicy', 'PutUserPolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'DeleteGroupPolicy',
]);
const MANAGED_POLICY_EVENTS = new Set([
  'DetachRolePolicy', 'DetachUserPolicy', 'DetachGroupPolicy', 'DeletePolicy', 'CreatePolicyVersion',
  'DeletePolicyVersion', 'SetDefaultPolicyVersion',
]);
const TAG_EVENTS = new Set(['TagRole', 'UntagRole', 'TagUser', 'UntagUser']);
// Calls that change a role's permissions, trust or tags, or remove it.
const ROLE_WRITE_EVENTS = new Set([
  'PutRolePolicy', 'DeleteRolePolicy', 'AttachRolePolicy', 'DetachRolePolicy', 'UpdateAssumeRolePolicy',
  'TagRole', 'UntagRole', 'DeleteRole', 'UpdateRole', 'PutRolePermissionsBoundary', 'DeleteRolePermissionsBoundary',
]);

/** Every role the guardrail creates is named with this prefix; protection is by exact ARN, never by it. */
const GUARDRAIL_ROLE_PREFIX = 'AgentGuardrail';

/** Calls that put back what a containment took away: a deactivated key, a deleted console password. */
const UNDO_EVENTS = new Set(['UpdateAccessKey', 'CreateLoginProfile']);

/** IAM calls tamper detection must always see, whatever the policy's rules watch. */
export const GUARDRAIL_WATCHED_IAM_EVENTS: ReadonlySet<string> = new Set([
  'CreateRole',
  ...UNDO_EVENTS,
  ...INLINE_POLICY_EVENTS,
  ...MANAGED_POLICY_EVENTS,
  ...TAG_EVENTS,
  ...ROLE_WRITE_EVENTS,
]);

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Role name a role-write call acts on, for the quarantined-role check. */
export function roleNameWritten(record: CloudTrailRecord): string | null {
  if (record.eventSource !== 'iam.amazonaws.com' || !ROLE_WRITE_EVENTS.has(record.eventName)) return null;
  return text(record.requestParameters?.roleName);
}

/** Whether the call was made by a deployment of the guardrail (StackSet or CDK execution role). */
export function byDeployer(record: CloudTrailRecord, deployerRoles: readonly RegExp[]): boolean {
  const caller = record.userIdentity.sessionContext?.sessionIssuer?.arn ?? record.userIdentity.arn ?? '';
  return deployerRoles.some((deployer) => deployer.test(caller));
}

/**
 * What a call would put back if a containment took it away (takenKey), for the state lookup: a key re-activated
 * (UpdateAccessKey to Active), a console password re-created. Null for any other call.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html
 */
export function undoneItem(record: CloudTrailRecord, account: string): { readonly key: string; readonly what: string } | null {
  if (record.eventSource !== 'iam.amazonaws.com' || !UNDO_EVENTS.has(record.eventName) || record.errorCode) return null;
  const request = record.requestParameters ?? {};
  if (record.eventName === 'UpdateAccessKey') {
    const accessKeyId = text(request.accessKeyId);
    return accessKeyId && text(request.status) === 'Active' ? { key: takenKey({ kind: 'access-key', accessKeyId }), what: `UpdateAccessKey re-activates ${accessKeyId}, which a containment deactivated` } : null;
  }
  const userName = text(request.userName);
  return userName ? { key: takenKey({ kind: 'login-profile', account, userName }), what: `CreateLoginProfile gives ${userName} back the console password a containment deleted` } : null;
}

/**
 * A call that removes an agent role tag, or sets it to another value: the role would no longer be recognised as
 * an agent's, so this undoes what marks it, whoever does it.
 */
function signalTagReason(name: string, request: Record<string, unknown>, roleTags: ReadonlyMap<string, string>): string | null {
  if (roleTags.size === 0 || (name !== 'UntagRole' && name !== 'TagRole')) return null;
  if (name === 'UntagRole') {
    const removed = (Array.isArray(request.tagKeys) ? request.tagKeys : []).find((key) => typeof key === 'string' && roleTags.has(key.toLowerCase()));
    return removed ? `UntagRole removes agent role tag ${String(removed)} from ${text(request.roleName)}` : null;
  }
  const changed = (Array.isArray(request.tags) ? request.tags : []).find((tag) => {
    const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
    return typeof key === 'string' && roleTags.has(key.toLowerCase()) && roleTags.get(key.toLowerCase()) !== value;
  }) as { key?: string } | undefined;
  return changed ? `TagRole sets agent role tag ${changed.key} of ${text(request.roleName)} to another value` : null;
}

/**
 * Why a call tampers with the guardrail's own artefacts, or null. The quarantine check needs state,
 * so the caller passes whether the written role is quarantined; `deployerRoles` (the policy's, from
 * guardrail-principals.ts) may create roles with the guardrail's names.
 * @example tamperReason(deleteRolePolicyRecord, false) // 'deletes guardrail policy AgentGuardrail-deny on ...'
 */
export function tamperReason(record: CloudTrailRecord, roleIsQuarantined: boolean, deployerRoles: readonly RegExp[] = [], agentRoleTags: ReadonlyMap<string, string> = new Map()): string | null {
  if (record.eventSource !== 'iam.amazonaws.com') return null;
  const request = record.requestParameters ?? {};
  const name = record.eventName;
  if (!record.errorCode) {
    const untagged = signalTagReason(name, request, agentRoleTags);
    if (untagged && !byDeployer(record, deployerRoles)) return untagged;
  }
  if (INLINE_POLICY_EVENTS.has(name)) {
    const policyName = text(request.policyName);
    if (policyName?.startsWith(GUARDRAIL_POLICY_PREFIX)) return `${name} on guardrail policy ${policyName}`;
  }
  if (MANAGED_POLICY_EVENTS.has(name)) {
    const policyArn = text(request.policyArn);
    const policyName = policyArn?.slice(policyArn.lastIndexOf('/') + 1);
    if (policyName?.startsWith(GUARDRAIL_POLICY_PREFIX)) return `${name} on guardrail policy ${policyName}`;
  }
  if (TAG_EVENTS.has(name)) {
    const keys = [
      ...(Array.isArray(request.tagKeys) ? request.tagKeys : []),
      ...(Array.isArray(request.tags) ? request.tags.map((t: unknown) => (t as { key?: unknown })?.key) : []),
    ];
    const touched = keys.find((key) => typeof key === 'string' && key.toLowerCase().startsWith(GUARDRAIL_TAG_PREFIX));
    if (touched) return `${name} changes guardrail tag ${String(touched)}`;
  }
  if (name === 'CreateRole') {
    // A role named like the guardrail's is not protected by its name (only the exact ARNs are), but creating
    // one is how an agent would try to pass as the guardrail: nobody but a deployment creates them.
    const roleName = text(request.roleName);
    if (roleName?.startsWith(GUARDRAIL_ROLE_PREFIX) && !byDeployer(record, deployerRoles)) return `CreateRole of ${roleName}, a name of the guardrail's own roles`;
  }
  if (roleIsQuarantined) return `${name} on quarantined role ${text(request.roleName)}`;
  return null;
}
