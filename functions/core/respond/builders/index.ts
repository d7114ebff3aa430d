import type { ResponseName } from '../../policy/schema.ts';
import type { ResponseBuilder } from '../response-input.ts';
import { buildDenyAction } from './deny-action.ts';
import { buildQuarantineRole } from './quarantine-role.ts';
import { buildRevokeSessions } from './revoke-sessions.ts';
import { buildScpDeny } from './scp-deny.ts';
import { NO_WRITES } from './target.ts';

/** notify: a finding and a notification, nothing written. */
const buildNotify: ResponseBuilder = () => ({ ...NO_WRITES, cannotContain: null });

/** Every response the policy file can name, keyed by that name. */
export const RESPONSE_BUILDERS: Readonly<Record<ResponseName, ResponseBuilder>> = {
  'revoke-sessions': buildRevokeSessions,
  'deny-action': buildDenyAction,
  'quarantine-role': buildQuarantineRole,
  'scp-deny': buildScpDeny,
  notify: buildNotify,
};
