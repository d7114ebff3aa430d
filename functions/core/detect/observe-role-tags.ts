import * as v from 'valibot';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';

const tagKey = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const tagSchema = v.object({ key: tagKey, value: v.pipe(v.string(), v.maxLength(256)) });
const roleTagRequestSchema = v.object({
  roleName: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  tags: v.optional(v.pipe(v.array(tagSchema), v.maxLength(50))),
  tagKeys: v.optional(v.pipe(v.array(tagKey), v.maxLength(50))),
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
  const request = v.safeParse(roleTagRequestSchema, record.requestParameters ?? {});
  if (!request.success) return null;
  const account = record.recipientAccountId ?? record.userIdentity.accountId!;
  return {
    roleKey: roleKeyOf(account, request.output.roleName),
    set: new Map((request.output.tags ?? []).map((tag) => [tag.key.toLowerCase(), tag.value])),
    remove: (request.output.tagKeys ?? []).map((key) => key.toLowerCase()),
  };
}
