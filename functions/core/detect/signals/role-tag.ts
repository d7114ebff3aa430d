import type { Signal, SignalContext } from './signal.ts';

/** The session issuer's role carries an agent tag (tags learned from CreateRole/TagRole or seeded state). */
export function detectRoleTag({ roleTags, agents }: SignalContext): Signal | null {
  if (!roleTags || agents.roleTags.size === 0) return null;
  for (const [key, value] of agents.roleTags) {
    if (roleTags.get(key) === value) return { name: 'role-tag', evidence: `role tag ${key}=${value}` };
  }
  return null;
}
