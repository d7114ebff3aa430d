import type { Signal, SignalContext } from './signal.ts';

/** The caller's user agent matches a configured agent pattern (weakest signal: callers choose it). */
export function detectUserAgent({ record, agents }: SignalContext): Signal | null {
  const userAgent = record.userAgent;
  if (!userAgent || agents.userAgents.length === 0) return null;
  return agents.userAgents.some((pattern) => pattern.test(userAgent))
    ? { name: 'user-agent', evidence: `userAgent ${userAgent.slice(0, 80)}` }
    : null;
}
