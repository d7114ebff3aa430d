import type { GuardrailState } from './guardrail-state.ts';
import type { Ledger } from './ledger.ts';

export type GuardState = GuardrailState & Ledger;

/**
 * Wraps the state table so that its failure does not stop containment: each failed call is reported to
 * `onFailure` and answered with the value that lets the guard go on (no session known, first strike, the
 * event and response unclaimed, the guardrail's own documents unknown so IAM is read instead, nothing
 * ledgered). Signals that need state (session tags) are lost for that event; those visible in the event
 * itself (MCP, source identity, ARN) still contain. The caller makes the failure loud afterwards.
 */
export function degradableState(state: GuardState, onFailure: (operation: string, error: unknown) => void): GuardState {
  const guarded =
    <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>, fallback: R) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        onFailure(operation, error);
        return fallback;
      }
    };
  return {
    findSession: guarded('findSession', state.findSession.bind(state), null),
    putSession: guarded('putSession', state.putSession.bind(state), undefined),
    agentSessionsOn: guarded('agentSessionsOn', state.agentSessionsOn.bind(state), []),
    lineageSessions: guarded('lineageSessions', state.lineageSessions.bind(state), []),
    addPending: guarded('addPending', state.addPending.bind(state), undefined),
    takePending: guarded('takePending', state.takePending.bind(state), []),
    roleTags: guarded('roleTags', state.roleTags.bind(state), null),
    updateRoleTags: guarded('updateRoleTags', state.updateRoleTags.bind(state), undefined),
    exemptionFor: guarded('exemptionFor', state.exemptionFor.bind(state), null),
    countStrike: guarded('countStrike', state.countStrike.bind(state), 1),
    isQuarantined: guarded('isQuarantined', state.isQuarantined.bind(state), false),
    rememberAgentMinter: guarded('rememberAgentMinter', state.rememberAgentMinter.bind(state), undefined),
    isAgentMinter: guarded('isAgentMinter', state.isAgentMinter.bind(state), false),
    rememberRevocation: guarded('rememberRevocation', state.rememberRevocation.bind(state), undefined),
    revokedSince: guarded('revokedSince', state.revokedSince.bind(state), null),
    rememberTaken: guarded('rememberTaken', state.rememberTaken.bind(state), undefined),
    rememberContainedLineage: guarded('rememberContainedLineage', state.rememberContainedLineage.bind(state), undefined),
    containedLineage: guarded('containedLineage', state.containedLineage.bind(state), []),
    wasTaken: guarded('wasTaken', state.wasTaken.bind(state), false),
    writtenDocuments: guarded('writtenDocuments', state.writtenDocuments.bind(state), null),
    recordWritten: guarded('recordWritten', state.recordWritten.bind(state), undefined),
    prefetch: guarded('prefetch', state.prefetch.bind(state), { sessions: new Map(), roleTags: null, quarantined: false, exemption: null, documents: null }),
    claimEvent: guarded('claimEvent', state.claimEvent.bind(state), 'claimed' as const),
    completeEvent: guarded('completeEvent', state.completeEvent.bind(state), undefined),
    releaseEvent: guarded('releaseEvent', state.releaseEvent.bind(state), undefined),
    write: guarded('write', state.write.bind(state), undefined),
    entriesFor: guarded('entriesFor', state.entriesFor.bind(state), []),
    addExemption: guarded('addExemption', state.addExemption.bind(state), undefined),
    markQuarantined: guarded('markQuarantined', state.markQuarantined.bind(state), undefined),
    claimResponse: guarded('claimResponse', state.claimResponse.bind(state), true),
    confirmResponse: guarded('confirmResponse', state.confirmResponse.bind(state), undefined),
    releaseResponse: guarded('releaseResponse', state.releaseResponse.bind(state), undefined),
  };
}
