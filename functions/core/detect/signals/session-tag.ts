import type { Signal, SignalContext } from './signal.ts';

/**
 * The call belongs to a session whose AssumeRole carried agent session tags. Tags appear only in the
 * AssumeRole event, so the session was recorded then and is joined here by access key or roleId:session.
 */
export function detectSessionTag({ session }: SignalContext): Signal | null {
  if (!session || !session.signals.includes('session-tag')) return null;
  return { name: 'session-tag', evidence: session.evidence };
}
