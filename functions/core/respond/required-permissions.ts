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
const ACCESS_KEYS = ['iam:UpdateAccessKey', 'iam:ListAccessKeys'];

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

/** What the management-account role needs for scp-deny. */
export const SCP_ACTIONS: readonly string[] = [
  'organizations:ListPolicies',
  'organizations:DescribePolicy',
  'organizations:CreatePolicy',
  'organizations:UpdatePolicy',
  'organizations:DeletePolicy',
  'organizations:AttachPolicy',
  'organizations:DetachPolicy',
  'organizations:ListTargetsForPolicy',
];

/** Every action the responder role must grant: the union over responses, sorted. */
export function responderActions(): string[] {
  return [...new Set(Object.values(RESPONSE_IAM_ACTIONS).flat())].sort();
}
