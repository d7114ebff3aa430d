import type { Signal, SignalContext } from './signal.ts';

/** Source identity persists into every call of the session (and of sessions chained from it). */
export function detectSourceIdentity({ record, agents }: SignalContext): Signal | null {
  const sourceIdentity = record.userIdentity.sessionContext?.sourceIdentity;
  if (!sourceIdentity) return null;
  const prefix = agents.sourceIdentityPrefixes.find((p) => sourceIdentity.startsWith(p));
  return prefix === undefined ? null : { name: 'source-identity', evidence: `sourceIdentity ${sourceIdentity}` };
}
