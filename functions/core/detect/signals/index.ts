import { detectMcpContext } from './mcp-context.ts';
import { detectMcpService } from './mcp-service.ts';
import { detectPrincipalArn } from './principal-arn.ts';
import { detectRoleTag } from './role-tag.ts';
import { detectSessionTag } from './session-tag.ts';
import type { SignalDetector, SignalName } from './signal.ts';
import { detectSourceIdentity } from './source-identity.ts';
import { detectUserAgent } from './user-agent.ts';

/** Every detector, keyed by the signal name it reports. */
export const SIGNAL_DETECTORS: Readonly<Record<SignalName, SignalDetector>> = {
  'mcp-service': detectMcpService,
  'mcp-context': detectMcpContext,
  'session-tag': detectSessionTag,
  'source-identity': detectSourceIdentity,
  'role-tag': detectRoleTag,
  'principal-arn': detectPrincipalArn,
  'user-agent': detectUserAgent,
};
