import type { GuardrailState } from '../core/state/guardrail-state.ts';
import type { Ledger } from '../core/state/ledger.ts';

export type GuardState = GuardrailState & Ledger;

/**
 * Wraps the state table so that its failure does not stop containment: each failed call is reported to
 * `onFailure` and answered with the value that lets the guard go on (no session known, first strike, the
 * event unclaimed, nothing ledgered). Signals that need state (session tags) are lost for that event;
 * those visible in the event itself (MCP, source identity, ARN) still contain. The caller makes the
 * failure loud afterwards.
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
    addPending: guarded('addPending', state.addPending.bind(state), undefined),
    takePending: guarded('takePending', state.takePending.bind(state), []),
    roleTags: guarded('roleTags', state.roleTags.bind(state), null),
    updateRoleTags: guarded('updateRoleTags', state.updateRoleTags.bind(state), undefined),
    exemptionFor: guarded('exemptionFor', state.exemptionFor.bind(state), null),
    countStrike: guarded('countStrike', state.countStrike.bind(state), 1),
    isQuarantined: guarded('isQuarantined', state.isQuarantined.bind(state), false),
    claimEvent: guarded('claimEvent', state.claimEvent.bind(state), true),
    releaseEvent: guarded('releaseEvent', state.releaseEvent.bind(state), undefined),
    write: guarded('write', state.write.bind(state), undefined),
    entriesFor: guarded('entriesFor', state.entriesFor.bind(state), []),
    addExemption: guarded('addExemption', state.addExemption.bind(state), undefined),
    markQuarantined: guarded('markQuarantined', state.markQuarantined.bind(state), undefined),
    claimResponse: guarded('claimResponse', state.claimResponse.bind(state), true),
    releaseResponse: guarded('releaseResponse', state.releaseResponse.bind(state), undefined),
  };
}
