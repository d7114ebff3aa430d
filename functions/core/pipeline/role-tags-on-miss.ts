import { safeForLog } from '../safe-text.ts';
import type { Prefetched, PrefetchKeys } from '../state/guardrail-state.ts';
import type { GuardState } from '../state/degradable-state.ts';
import type { LogPort } from './ports.ts';

/** Reads a role's tags from IAM: `account`, `roleName` → tags as IAM returns them. */
export type RoleTagReader = (account: string, roleName: string) => Promise<Readonly<Record<string, string>>>;

/**
 * Role tags are learnt from CreateRole/TagRole/UntagRole events, which misses every tag set before the
 * guardrail was deployed. When the state has none for the caller's role (the first event of that role),
 * read them once from IAM (through the responder role); they are kept in state after the event, so the
 * read happens once per role. A failed read answers "unknown" and is logged, never a crash: the other
 * signals still decide.
 * @returns the prefetched items with the tags filled in, and the write that keeps them (run after containment)
 */
export async function roleTagsOnMiss(
  keys: PrefetchKeys,
  prefetched: Prefetched,
  read: RoleTagReader | undefined,
  state: GuardState,
  logger: LogPort,
): Promise<{ prefetched: Prefetched; keep: () => Promise<void> }> {
  const roleKey = keys.roleTagKey;
  const slash = roleKey?.indexOf('/') ?? -1;
  if (!read || !roleKey || prefetched.roleTags || slash < 0) return { prefetched, keep: async () => undefined };
  let tags: Readonly<Record<string, string>>;
  try {
    tags = await read(roleKey.slice(0, slash), roleKey.slice(slash + 1));
  } catch (error) {
    logger.warn('role tags unreadable; role-tag signal unknown for this event', safeForLog({ roleKey, error: (error as Error).message }));
    return { prefetched, keep: async () => undefined };
  }
  // Tag keys are compared case-insensitively, as detection stores them.
  const roleTags = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  return { prefetched: { ...prefetched, roleTags }, keep: () => state.updateRoleTags(roleKey, roleTags, []) };
}
