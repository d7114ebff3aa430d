import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import { processEvent } from '../../../../functions/core/pipeline/process-event.ts';
import type { PipelineDependencies } from '../../../../functions/core/pipeline/ports.ts';
import { FakeIam } from '../../../helpers/fake-iam.ts';
import { AppliedResponses, REMEMBER_MS } from '../../../../functions/core/pipeline/applied-responses.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;

function scenario(folder: string, account = '111122223333'): Record<string, unknown>[] {
  const dir = join(ROOT, 'events/scenarios', folder);
  return readdirSync(dir).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8').replaceAll('111122223333', account)));
}

/** One invocation with a minute left, as Lambda would give it. */
const guard = (event: unknown, deps: PipelineDependencies, remainingMs = 60_000) => processEvent(event, deps, { deadline: deps.now() + remainingMs });

async function setup(options: { failingAccounts?: string[]; notifyFails?: boolean; edit?: (policy: string) => string } = {}) {
  const text = readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace(/^mode: \w+/m, 'mode: enforce');
  const policy = await compilePolicyText(options.edit ? options.edit(text) : text, 'guardrail.yaml');
  const state = new InMemoryState();
  const clock = { now: Date.parse('2026-11-20T10:00:00Z') };
  const accounts = new Map<string, FakeIam>();
  const notifications: Record<string, unknown>[] = [];
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const errors = vi.spyOn(logger, 'error');
  let id = 0;
  const deps: PipelineDependencies = {
    policy,
    state,
    ports: {
      async iamFor(account) {
        if (options.failingAccounts?.includes(account)) {
          throw Object.assign(new Error(`cannot assume arn:aws:iam::${account}:role/AgentGuardrailResponder: AccessDenied`), { name: 'ResponderRoleError' });
        }
        if (!accounts.has(account)) accounts.set(account, new FakeIam());
        return accounts.get(account)!;
      },
      async scp() {
        throw new Error('no SCP port in this test');
      },
    },
    notifier: {
      async notify(_subject, message) {
        if (options.notifyFails) throw new Error('SNS is down');
        notifications.push(message);
      },
    },
    logger,
    newId: () => `id-${++id}`,
    now: () => clock.now,
  };
  return { deps, state, accounts, notifications, errors, clock };
}

describe('a contained agent\'s flood, answered from the environment\'s memory of applied responses', () => {
  it('writes nothing on the ledger, notifies nothing, and notes each call on its own record', async () => {
    const { deps, state, accounts, notifications } = await setup();
    const memory = new AppliedResponses();
    const withMemory = { ...deps, appliedResponses: memory };
    const [assume, del] = scenario('01-mcp-server-deletes-bucket');
    await guard(assume, withMemory);
    expect(await guard(del, withMemory)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    const ledger = state.ledger.length;
    const writes = accounts.get('111122223333')!.writes;
    const sent = notifications.length;
    for (let i = 0; i < 20; i++) {
      const again = JSON.parse(JSON.stringify(del).replaceAll((del as { detail: { eventID: string } }).detail.eventID, `flood-${i}`));
      expect(await guard(again, withMemory)).toMatchObject({ status: 'processed', findings: [{ verdict: 'violation', outcome: 'coalesced' }] });
      expect(JSON.parse(state.eventNotes.get(`flood-${i}`)!)).toEqual([{ rule: 'no-data-destruction', response: 'quarantine-role', outcome: 'coalesced' }]);
    }
    expect(state.ledger).toHaveLength(ledger);
    expect(accounts.get('111122223333')!.writes).toBe(writes);
    expect(notifications).toHaveLength(sent);
  });

  it('outlives a release with no grace by REMEMBER_MS at most: the next violation after it is contained again', async () => {
    const { deps, state, clock } = await setup();
    const memory = new AppliedResponses();
    const withMemory = { ...deps, appliedResponses: memory };
    const [assume, del] = scenario('01-mcp-server-deletes-bucket');
    await guard(assume, withMemory);
    await guard(del, withMemory);
    // An operator releases the agent (no grace): the guardrail's claim on the response is given back.
    const principal = state.ledger.find((e) => e.outcome === 'contained')!.principalArn;
    await state.releaseResponse(principal);
    const again = (i: number) => JSON.parse(JSON.stringify(del).replaceAll((del as { detail: { eventID: string } }).detail.eventID, `after-release-${i}`));
    clock.now += 1_000;
    expect(await guard(again(1), withMemory)).toMatchObject({ findings: [{ outcome: 'coalesced' }] });
    clock.now += REMEMBER_MS;
    expect(await guard(again(2), withMemory)).toMatchObject({ findings: [{ outcome: 'contained' }] });
  });
});

describe('processEvent under faults', () => {
  it('ledgers and notifies a failed containment, releases the event for the retry, and throws', async () => {
    const { deps, state, notifications } = await setup({ failingAccounts: ['111122223333'] });
    const [assume, put] = scenario('02-tagged-session-escalates');
    await guard(assume, deps);
    await expect(guard(put, deps)).rejects.toThrow(/AccessDenied/);
    expect(state.ledger.map((e) => e.outcome)).toEqual(['intent', 'failed']);
    expect(state.ledger[1]!.reason).toMatch(/Containment failed/);
    expect(notifications).toContainEqual(expect.objectContaining({ outcome: 'failed' }));
    // The claim was released: the Lambda retry processes the event again instead of skipping it.
    expect(await state.claimEvent((put as { detail: { eventID: string } }).detail.eventID, deps.now(), deps.now() + 1000)).toBe('claimed');
  });

  it('still contains in other accounts when one account has no responder role', async () => {
    const { deps, accounts } = await setup({ failingAccounts: ['444455556666'] });
    const broken = scenario('01-mcp-server-deletes-bucket', '444455556666');
    const working = scenario('01-mcp-server-deletes-bucket');
    await expect(guard(broken[1], deps)).rejects.toThrow();
    expect(await guard(working[1], deps)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    expect(accounts.get('111122223333')!.inline.get('role/DevOps')?.has('AgentGuardrail-Quarantine')).toBe(true);
  });

  it('contains even when notification fails, and says so loudly', async () => {
    const { deps, accounts, errors } = await setup({ notifyFails: true });
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    expect(await guard(del, deps)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    expect(accounts.get('111122223333')!.writes).toBeGreaterThan(0);
    expect(errors).toHaveBeenCalledWith('notification failed', expect.objectContaining({ error: 'SNS is down' }));
  });

  it('makes one response for a duplicate delivery', async () => {
    const { deps, accounts } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    await guard(del, deps);
    const writes = accounts.get('111122223333')!.writes;
    expect(await guard(del, deps)).toMatchObject({ status: 'duplicate' });
    expect(accounts.get('111122223333')!.writes).toBe(writes);
  });

  it('never writes for invalid or custom (non-AWS) events', async () => {
    const { deps, accounts, state } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    expect(await guard({ ...del, source: 'custom.app' }, deps)).toMatchObject({ status: 'rejected' });
    expect(await guard({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', account: '111122223333', detail: { eventName: 'DeleteBucket' } }, deps)).toMatchObject({ status: 'rejected' });
    expect(accounts.size).toBe(0);
    expect(state.ledger).toEqual([]);
  });
});

describe('processEvent with the state table down', () => {
  it('still contains what the event itself shows, then fails loudly so Lambda retries', async () => {
    const { deps, accounts, errors } = await setup();
    const down = new Proxy(deps.state, {
      get: (target, property) =>
        typeof (target as unknown as Record<PropertyKey, unknown>)[property] === 'function'
          ? async () => {
              throw Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });
            }
          : (target as unknown as Record<PropertyKey, unknown>)[property],
    });
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    await expect(guard(del, { ...deps, state: down })).rejects.toMatchObject({ name: 'StateUnavailableError' });
    // The MCP signal is in the event itself: the role was quarantined without the table.
    expect(accounts.get('111122223333')!.inline.get('role/DevOps')?.has('AgentGuardrail-Quarantine')).toBe(true);
    expect(errors).toHaveBeenCalledWith('state table call failed; containing without it', expect.objectContaining({ operation: 'claimEvent' }));
  });
});

describe('credentials', () => {
  it('never reach a log line, the ledger or a notification', async () => {
    const { deps, state, notifications } = await setup();
    const logged: unknown[] = [];
    for (const level of ['warn', 'info', 'error'] as const) vi.spyOn(deps.logger, level).mockImplementation((...args: unknown[]) => void logged.push(args));
    const [assume, put] = scenario('02-tagged-session-escalates');
    const token = 'IQoJb3JpZ2luX2VjEXAMPLE';
    expect(JSON.stringify(assume)).toContain(token);
    (assume as { detail: { responseElements: { credentials: Record<string, string> } } }).detail.responseElements.credentials.secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    await guard(assume, deps);
    await guard(put, deps);
    const everything = JSON.stringify({ logged, ledger: state.ledger, notifications });
    expect(state.ledger.length).toBeGreaterThan(0);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('wJalrXUtnFEMI');
  });
});

const eventIdOf = (event: unknown) => (event as { detail: { eventID: string } }).detail.eventID;
const never = () => new Promise<never>(() => undefined);

describe('exactly once', () => {
  it('a guard killed before the IAM write (timeout) is retried after its lease and contains', async () => {
    const { deps, state, accounts, clock } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    const iam = new FakeIam();
    accounts.set('111122223333', iam);
    // The first invocation hangs in IAM until Lambda's timeout ends it: never awaited, as a killed process.
    const put = iam.putInlinePolicy.bind(iam);
    iam.putInlinePolicy = never;
    void guard(del, deps, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(iam.inline.size).toBe(0);
    // Within the lease, a redelivery is answered as a duplicate, not an error: the holder's invocation is
    // the one Lambda retries when it times out.
    expect(await guard(del, deps)).toEqual({ status: 'duplicate', eventID: eventIdOf(del), inProgress: true });
    // Lambda's retry comes after the timeout: the lease (and the response claim) ran out with it.
    clock.now += 31_000;
    iam.putInlinePolicy = put;
    expect(await guard(del, deps)).toMatchObject({ status: 'processed', findings: [{ outcome: 'contained' }] });
    expect(iam.inline.get('role/DevOps')?.has('AgentGuardrail-Quarantine')).toBe(true);
    expect(state.ledger.filter((e) => e.outcome === 'contained')).toHaveLength(1);
    expect(await guard(del, deps)).toMatchObject({ status: 'duplicate' });
  });

  it('a guard that throws before the IAM write gives back both claims, and the retry contains', async () => {
    const { deps, accounts } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    const iam = new FakeIam();
    accounts.set('111122223333', iam);
    iam.failWith = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    await expect(guard(del, deps)).rejects.toThrow(/Rate exceeded/);
    iam.failWith = null;
    expect(await guard(del, deps)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    expect(iam.inline.get('role/DevOps')?.has('AgentGuardrail-Quarantine')).toBe(true);
  });

  it('a redelivery after success writes nothing and counts no strike', async () => {
    const { deps, state, accounts } = await setup();
    const [assume, put, attach] = scenario('02-tagged-session-escalates');
    await guard(assume, deps);
    await guard(put, deps);
    const writes = accounts.get('111122223333')!.writes;
    const ledger = state.ledger.length;
    expect(await guard(put, deps)).toMatchObject({ status: 'duplicate' });
    expect(accounts.get('111122223333')!.writes).toBe(writes);
    expect(state.ledger).toHaveLength(ledger);
    // The strike was counted once, against the agent (its lineage's first session, named by its issue time):
    // the next distinct event is the second strike, not the third.
    const subject = 'AROAEXAMPLEDEVOPS001:agent-run-42|2026-11-20T09:10:00.000Z|no-privilege-escalation';
    expect(await state.countStrike(subject, eventIdOf(attach), Date.parse('2026-11-20T09:12:00Z'), 600_000)).toBe(2);
  });

  it('counts a strike once however often the same event is counted', async () => {
    const { state } = await setup();
    expect(await state.countStrike('p|r', 'e1', 1_000, 60_000)).toBe(1);
    expect(await state.countStrike('p|r', 'e1', 1_000, 60_000)).toBe(1);
    expect(await state.countStrike('p|r', 'e2', 2_000, 60_000)).toBe(2);
  });

  it('concurrent duplicate deliveries write once', async () => {
    const { deps, state, accounts } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    const results = await Promise.all(Array.from({ length: 8 }, () => guard(del, deps)));
    // One invocation does the work; the others are duplicates, none an error (GuardErrors stays quiet).
    expect(results.filter((r) => r.status === 'processed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(7);
    expect(accounts.get('111122223333')!.inline.get('role/DevOps')?.size).toBe(1);
    expect(state.ledger.map((e) => e.outcome)).toEqual(['intent', 'contained']);
  });

  it('the response claim never outlives a write that did not happen', async () => {
    const { deps, state, accounts, clock } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    const iam = new FakeIam();
    accounts.set('111122223333', iam);
    iam.putInlinePolicy = never;
    void guard(del, deps, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Another event of the same agent calling for the same response, after the killed invocation's deadline:
    // not coalesced into a write that never happened.
    clock.now += 31_000;
    delete (iam as { putInlinePolicy?: unknown }).putInlinePolicy;
    const other = JSON.parse(JSON.stringify(del).replaceAll(eventIdOf(del), '7c3f6e1a-0000-4000-8000-00000000beef'));
    expect(await guard(other, deps)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    expect(state.ledger.some((e) => e.outcome === 'coalesced')).toBe(false);
  });
});

describe('tampering with a quarantined role', () => {
  it('adds the tamper deny to what is in place and does not put back the document it just extended', async () => {
    // Only a whole-role quarantine marks the role: here the rule asks for it.
    const { deps, state, accounts } = await setup({
      edit: (text) => text.replace('escalate: { after: 3, within: 10m, to: quarantine-role }', 'escalate: { after: 3, within: 10m, to: quarantine-role }\n    scope: role'),
    });
    const [assume, put, attach, attachUser] = scenario('02-tagged-session-escalates');
    for (const event of [assume, put, attach, attachUser]) await guard(event, deps);
    const iam = accounts.get('111122223333')!;
    expect(iam.inline.get('role/DevOps')?.has('AgentGuardrail-Quarantine')).toBe(true);
    // The agent writes to its own, now quarantined, role again: tampering.
    const again = JSON.parse(JSON.stringify(put).replaceAll(eventIdOf(put), '86b96c74-1209-f20e-db45-6b1362070000')) as unknown;
    expect(await guard(again, deps)).toMatchObject({ findings: [{ rule: 'guardrail-tamper', outcome: 'contained' }] });
    const actions = iam.inline.get('role/DevOps')!.get('AgentGuardrail-DenyActions')!.Statement.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['iam:PutRolePolicy', 'iam:Attach*Policy']));
    expect(state.ledger.some((e) => e.response === 're-apply')).toBe(false);
  });
});
