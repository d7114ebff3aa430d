import * as z from 'zod';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';

const tagSchema = z.object({ key: z.string().min(1).max(128), value: z.string().max(256) });
const roleTagRequestSchema = z.object({
  roleName: z.string().min(1).max(64),
  tags: z.array(tagSchema).max(50).optional(),
  tagKeys: z.array(z.string().min(1).max(128)).max(50).optional(),
});

export interface RoleTagChange {
  readonly roleKey: string;
  readonly set: ReadonlyMap<string, string>;
  readonly remove: readonly string[];
}

/** Role tags are keyed by account and role name (names are unique in an account, whatever the path). */
export function roleKeyOf(account: string, roleName: string): string {
  return `${account}/${roleName}`;
}

/**
 * Reads a successful CreateRole, TagRole or UntagRole into a change of the role's known tags.
 * @example observeRoleTags(tagRoleRecord)?.set.get('ai-agent') // 'true'
 */
export function observeRoleTags(record: CloudTrailRecord): RoleTagChange | null {
  if (record.eventSource !== 'iam.amazonaws.com' || record.errorCode) return null;
  if (record.eventName !== 'CreateRole' && record.eventName !== 'TagRole' && record.eventName !== 'UntagRole') return null;
  const request = roleTagRequestSchema.safeParse(record.requestParameters ?? {});
  if (!request.success) return null;
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  return {
    roleKey: roleKeyOf(account, request.data.roleName),
    set: new Map((request.data.tags ?? []).map((tag) => [tag.key.toLowerCase(), tag.value])),
    remove: (request.data.tagKeys ?? []).map((key) => key.toLowerCase()),
  };
}
