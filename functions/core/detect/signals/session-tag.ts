import type { Signal, SignalContext } from './signal.ts';

/**
 * The call belongs to a recorded agent session: one whose AssumeRole carried agent session tags (tags appear
 * only in the AssumeRole event, so the session was recorded then and is joined here by access key or
 * roleId:session), or one minted by an agent (chained from an agent session, through the AWS MCP server, or
 * stripped of its signal), which carries the signal it was minted under.
 */
export function detectSessionTag({ session }: SignalContext): Signal | null {
  if (!session || session.signals.length === 0) return null;
  return { name: session.signals.includes('session-tag') ? 'session-tag' : session.signals[0]!, evidence: session.evidence };
}
