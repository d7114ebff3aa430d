import type { GuardrailState } from './guardrail-state.ts';

/** Reads a role's tags from IAM: `account`, `roleName` → tags as IAM returns them. */
export type RoleTagReader = (account: string, roleName: string) => Promise<Readonly<Record<string, string>>>;

/**
 * Role tags are learnt from CreateRole/TagRole/UntagRole events, which misses every tag set before the
 * guardrail was deployed. On a miss, read the role's tags once (through the responder role) and keep
 * them in state, so the role-tag signal holds for roles tagged long ago. A failed read answers "unknown"
 * (null) and is reported, never a crash: the other signals still decide.
 */
export function withRoleTagsOnMiss<S extends GuardrailState>(state: S, read: RoleTagReader, onError: (roleKey: string, error: unknown) => void): S {
  return Object.assign(Object.create(state) as S, {
    async roleTags(roleKey: string): Promise<ReadonlyMap<string, string> | null> {
      const known = await state.roleTags(roleKey);
      if (known) return known;
      const slash = roleKey.indexOf('/');
      if (slash < 0) return null;
      let tags: Readonly<Record<string, string>>;
      try {
        tags = await read(roleKey.slice(0, slash), roleKey.slice(slash + 1));
      } catch (error) {
        onError(roleKey, error);
        return null;
      }
      // Tag keys are compared case-insensitively, as detection stores them.
      const map = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
      await state.updateRoleTags(roleKey, map, []);
      return map;
    },
  });
}
