import type { Logger } from '@aws-lambda-powertools/logger';
import { safeForLog } from '../core/safe-text.ts';
import { GuardrailError } from '../core/errors.ts';
import { principalFromArn, type Principal } from '../core/detect/principal.ts';
import { protectionReason } from '../core/detect/protection.ts';
import type { CompiledPolicy } from '../core/policy/compile-policy.ts';
import { applyResponse, revertChanges, type AppliedChange, type ApplyPorts } from '../core/respond/apply-response.ts';
import { knownDocuments } from '../core/pipeline/contain.ts';
import { RESPONSE_BUILDERS } from '../core/respond/builders/index.ts';
import { activeContainments, type LedgerEntry, type LedgerOutcome } from '../core/state/ledger.ts';
import type { GuardState } from '../core/state/degradable-state.ts';
import { notifyOutcome } from '../core/pipeline/notify.ts';
import { rememberDocuments } from '../core/pipeline/record.ts';
import type { NotifierPort } from '../core/pipeline/ports.ts';
import { overridePayloadSchema, type OverridePayload } from './override-payload.ts';

export class OverrideError extends GuardrailError {
  constructor(readonly type: 'InvalidPayload' | 'UnknownPrincipal' | 'UntilInPast' | 'ProtectedPrincipal' | 'NothingToRelease', message: string) {
    super(message);
    this.name = 'OverrideError';
  }
}

export interface OverrideDependencies {
  readonly policy: CompiledPolicy;
  /** The ledger, and the guardrail's last-written documents (release restores them). */
  readonly ledger: GuardState;
  readonly ports: ApplyPorts;
  readonly notifier: NotifierPort;
  readonly logger: Logger;
  readonly now: () => number;
  readonly newId: () => string;
  readonly releaseGraceMs: number;
}

export type OverrideResult =
  | { readonly ok: true; readonly command: OverridePayload['command']; readonly changes: readonly AppliedChange[]; readonly ledgerId: string; readonly active?: readonly LedgerEntry[] }
  | { readonly ok: false; readonly error: { readonly type: string; readonly message: string } };

async function requireExisting(principal: Principal, deps: OverrideDependencies): Promise<void> {
  if (principal.kind !== 'role-session') return;
  const iam = await deps.ports.iamFor(principal.account);
  try {
    await iam.getRoleTags(principal.roleName!);
  } catch (error) {
    if ((error as Error).name.startsWith('NoSuchEntity')) throw new OverrideError('UnknownPrincipal', `no role ${principal.roleName} in account ${principal.account}`);
    throw error;
  }
}

/**
 * Runs one operator command through the same responder code as the guard, ledgers it and notifies.
 * Bad input comes back as a typed error, never an IAM write.
 */
export async function runOverride(input: unknown, deps: OverrideDependencies): Promise<OverrideResult> {
  const parsed = overridePayloadSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    deps.logger.warn('override rejected', safeForLog({ type: 'InvalidPayload', problem: message }));
    return { ok: false, error: { type: 'InvalidPayload', message } };
  }
  try {
    return await execute(parsed.data, deps);
  } catch (error) {
    if (error instanceof OverrideError) {
      deps.logger.warn('override rejected', safeForLog({ type: error.type, problem: error.message }));
      return { ok: false, error: { type: error.type, message: error.message } };
    }
    throw error;
  }
}

async function execute(payload: OverridePayload, deps: OverrideDependencies): Promise<OverrideResult> {
  const now = deps.now();
  const principal = principalFromArn(payload.target.principalArn);
  if (!principal) throw new OverrideError('UnknownPrincipal', `not an IAM role or user ARN: ${JSON.stringify(payload.target.principalArn.slice(0, 200))}`);
  const principalArn = principal.arn!;
  const entries = await deps.ledger.entriesFor(principalArn);
  const ledgerId = deps.newId();
  const record = async (outcome: LedgerOutcome, changes: readonly AppliedChange[]) => {
    await deps.ledger.write({
      id: ledgerId, principalArn, account: principal.account, at: now, source: 'override', eventID: null, rule: null,
      response: payload.command, outcome, reason: payload.reason, changes, operator: payload.operator, ticket: payload.ticket,
    });
    await notifyOutcome(deps.notifier, deps.logger, `agent-guardrail override ${payload.command}: ${principalArn}`, { command: payload.command, principal: principalArn, reason: payload.reason, ticket: payload.ticket, operator: payload.operator, outcome, ledgerId });
  };

  switch (payload.command) {
    case 'status':
      return { ok: true, command: 'status', changes: [], ledgerId, active: activeContainments(entries) };
    case 'exempt': {
      const until = Date.parse(payload.until!);
      if (until <= now) throw new OverrideError('UntilInPast', `until ${payload.until} is in the past`);
      await deps.ledger.addExemption(principalArn, until, payload.reason);
      await record('exempted', []);
      return { ok: true, command: 'exempt', changes: [], ledgerId };
    }
    case 'release': {
      const active = activeContainments(entries);
      if (active.length === 0) throw new OverrideError('NothingToRelease', `no containment in force for ${principalArn}`);
      const changes = active.flatMap((e) => e.changes);
      const identity = principal.kind === 'user' ? { target: 'user' as const, name: principalArn.slice(principalArn.lastIndexOf('/') + 1) } : { target: 'role' as const, name: principal.roleName! };
      await revertChanges(changes, deps.ports, { account: principal.account, identity });
      await rememberDocuments(deps.ledger, changes, true);
      await deps.ledger.releaseResponse(principalArn);
      if (principal.kind === 'role-session') await deps.ledger.markQuarantined(principalArn, false);
      if (deps.releaseGraceMs > 0) await deps.ledger.addExemption(principalArn, now + deps.releaseGraceMs, `grace after release: ${payload.reason}`);
      await record('released', changes);
      return { ok: true, command: 'release', changes, ledgerId };
    }
    case 'quarantine':
    case 'revoke': {
      const protection = protectionReason(principal, deps.policy);
      if (protection) throw new OverrideError('ProtectedPrincipal', `${principalArn} is protected (${protection})`);
      await requireExisting(principal, deps);
      const response = payload.command === 'quarantine' ? 'quarantine-role' : 'revoke-sessions';
      const writes = RESPONSE_BUILDERS[response]({
        response, scope: 'role', principal, signals: [], action: '*', at: now, revokeBefore: now + 1000, agents: deps.policy.policy.agents,
        rule: { ...deps.policy.tamperRule, id: `override-${payload.command}`, response },
      });
      if (writes.cannotContain) throw new OverrideError('UnknownPrincipal', writes.cannotContain);
      const changes = await applyResponse(writes, deps.ports, await knownDocuments(writes, deps.ledger));
      await rememberDocuments(deps.ledger, changes);
      if (response === 'quarantine-role' && principal.kind === 'role-session') await deps.ledger.markQuarantined(principalArn, true);
      await record('contained', changes);
      return { ok: true, command: payload.command, changes, ledgerId };
    }
  }
}
