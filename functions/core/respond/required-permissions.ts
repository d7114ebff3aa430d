import type { ResponseName } from '../policy/schema.ts';

/**
 * The IAM actions each response needs in a member account, listed once: the responder role grants
 * exactly their union (a test pins it), so write power cannot drift unseen.
 */
const READ_INLINE = ['iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:GetUserPolicy', 'iam:ListUserPolicies'];
const WRITE_INLINE = ['iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutUserPolicy', 'iam:DeleteUserPolicy'];
// Fallback when a role's inline policy space is used up.
const MANAGED_POLICIES = ['iam:GetPolicy', 'iam:GetPolicyVersion', 'iam:CreatePolicy', 'iam:CreatePolicyVersion', 'iam:DeletePolicyVersion', 'iam:ListPolicyVersions'];
const ATTACHMENTS = ['iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy'];
const LIST_ATTACHMENTS = ['iam:ListAttachedRolePolicies', 'iam:ListAttachedUserPolicies'];
const MANAGED_FALLBACK = [...MANAGED_POLICIES, ...ATTACHMENTS, ...LIST_ATTACHMENTS];
const READ_TAGS = ['iam:ListRoleTags'];
const WRITE_TAGS = ['iam:TagRole', 'iam:UntagRole'];
const TAGS = [...READ_TAGS, ...WRITE_TAGS];
const ACCESS_KEYS = ['iam:UpdateAccessKey', 'iam:ListAccessKeys', 'iam:DeleteLoginProfile'];

/** The same actions grouped by how narrowly the responder role can grant them. */
export const RESPONDER_PERMISSION_GROUPS = {
  readInline: READ_INLINE,
  writeInline: WRITE_INLINE,
  managedPolicies: MANAGED_POLICIES,
  attachments: ATTACHMENTS,
  listAttachments: LIST_ATTACHMENTS,
  readTags: READ_TAGS,
  writeTags: WRITE_TAGS,
  accessKeys: ACCESS_KEYS,
} as const;

export const RESPONSE_IAM_ACTIONS: Readonly<Record<ResponseName, readonly string[]>> = {
  'revoke-sessions': [...READ_INLINE, ...WRITE_INLINE, ...MANAGED_FALLBACK, ...ACCESS_KEYS],
  'deny-action': [...READ_INLINE, ...WRITE_INLINE, ...MANAGED_FALLBACK],
  'quarantine-role': [...READ_INLINE, ...WRITE_INLINE, ...MANAGED_FALLBACK, ...TAGS, ...ACCESS_KEYS],
  // Written in the management account through the SCP role, not by the responder.
  'scp-deny': [],
  notify: [],
};

/** Tag on every SCP the guardrail creates: its management-account role may change only policies carrying it. */
export const GUARDRAIL_SCP_TAG = 'agent-guardrail:scp';

/** What the management-account role needs for scp-deny, by how it is granted (see the management stack). */
export const SCP_PERMISSIONS = {
  /** Reads, on any policy. */
  read: ['organizations:ListPolicies', 'organizations:DescribePolicy', 'organizations:ListTargetsForPolicy'],
  /** Creating a policy, only with the guardrail's tag. */
  create: ['organizations:CreatePolicy', 'organizations:TagResource'],
  /** Changing a policy, only one with the guardrail's tag (never FullAWSAccess or the organization's own). */
  change: ['organizations:UpdatePolicy', 'organizations:DeletePolicy', 'organizations:AttachPolicy', 'organizations:DetachPolicy'],
  /** Attaching to and detaching from member accounts (the policy side is in `change`). */
  target: ['organizations:AttachPolicy', 'organizations:DetachPolicy'],
} as const;

export const SCP_ACTIONS: readonly string[] = [...new Set(Object.values(SCP_PERMISSIONS).flat())];

/** Every action the responder role must grant: the union over responses, sorted. */
export function responderActions(): string[] {
  return [...new Set(Object.values(RESPONSE_IAM_ACTIONS).flat())].sort();
}
