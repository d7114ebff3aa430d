import type { Signal, SignalContext } from './signal.ts';

/**
 * A call made through an AWS-managed MCP server: CloudTrail sets `userIdentity.invokedBy` (and
 * `sourceIPAddress` / `userAgent`) to the MCP service principal on the API call, and the tool-call record
 * itself has the MCP service as `eventSource`.
 */
export function detectMcpService({ record, agents }: SignalContext): Signal | null {
  const { mcpServices } = agents;
  if (mcpServices.size === 0) return null;
  if (mcpServices.has(record.eventSource)) return { name: 'mcp-service', evidence: `eventSource ${record.eventSource}` };
  const invokedBy = record.userIdentity.invokedBy;
  if (invokedBy !== undefined && mcpServices.has(invokedBy)) return { name: 'mcp-service', evidence: `invokedBy ${invokedBy}` };
  const source = record.sourceIPAddress;
  if (source !== undefined && mcpServices.has(source)) return { name: 'mcp-service', evidence: `sourceIPAddress ${source}` };
  const agent = record.userAgent;
  if (agent !== undefined && mcpServices.has(agent)) return { name: 'mcp-service', evidence: `userAgent ${agent}` };
  return null;
}
