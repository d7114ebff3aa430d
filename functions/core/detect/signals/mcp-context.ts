import type { Signal, SignalContext } from './signal.ts';

// The markers IAM evaluates as aws:CalledViaAWSMCP / aws:ViaAWSMCPService, when CloudTrail records them.
const MARKERS = ['CalledViaAWSMCP', 'ViaAWSMCPService', 'calledViaAWSMCP', 'viaAWSMCPService'] as const;

function isSet(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value === 'string') return value.length > 0 && value.toLowerCase() !== 'false';
  return Array.isArray(value) && value.length > 0;
}

/** An MCP context marker in `additionalEventData`. */
export function detectMcpContext({ record }: SignalContext): Signal | null {
  const data = record.additionalEventData;
  if (!data) return null;
  for (const marker of MARKERS) {
    if (Object.hasOwn(data, marker) && isSet(data[marker])) {
      return { name: 'mcp-context', evidence: `additionalEventData.${marker}` };
    }
  }
  return null;
}
