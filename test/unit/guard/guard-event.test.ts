import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InMemoryState } from '../../../functions/core/state/in-memory-state.ts';
import { compilePolicyText } from '../../../functions/config/load-policy-file.ts';
import { guardEvent, type GuardDependencies } from '../../../functions/guard/guard-event.ts';
import { FakeIam } from '../../helpers/fake-iam.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

function scenario(folder: string, account = '111122223333'): Record<string, unknown>[] {
  const dir = join(ROOT, 'events/scenarios', folder);
  return readdirSync(dir).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8').replaceAll('111122223333', account)));
}

async function setup(options: { failingAccounts?: string[]; notifyFails?: boolean } = {}) {
  const policy = await compilePolicyText(readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace(/^mode: \w+/m, 'mode: enforce'), 'guardrail.yaml');
  const state = new InMemoryState();
  const accounts = new Map<string, FakeIam>();
  const notifications: Record<string, unknown>[] = [];
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const errors = vi.spyOn(logger, 'error');
  let id = 0;
  const deps: GuardDependencies = {
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
  };
  return { deps, state, accounts, notifications, errors };
}

describe('guardEvent under faults', () => {
  it('ledgers and notifies a failed containment, releases the event for the retry, and throws', async () => {
    const { deps, state, notifications } = await setup({ failingAccounts: ['111122223333'] });
    const [assume, put] = scenario('02-tagged-session-escalates');
    await guardEvent(assume, deps);
    await expect(guardEvent(put, deps)).rejects.toThrow(/AccessDenied/);
    expect(state.ledger.map((e) => e.outcome)).toEqual(['intent', 'failed']);
    expect(state.ledger[1]!.reason).toMatch(/Containment failed/);
    expect(notifications).toContainEqual(expect.objectContaining({ outcome: 'failed' }));
    // The claim was released: the Lambda retry processes the event again instead of skipping it.
    expect(await state.claimEvent((put as { detail: { eventID: string } }).detail.eventID, 0)).toBe(true);
  });

  it('still contains in other accounts when one account has no responder role', async () => {
    const { deps, accounts } = await setup({ failingAccounts: ['444455556666'] });
    const broken = scenario('01-mcp-server-deletes-bucket', '444455556666');
    const working = scenario('01-mcp-server-deletes-bucket');
    await expect(guardEvent(broken[1], deps)).rejects.toThrow();
    expect(await guardEvent(working[1], deps)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    expect(accounts.get('111122223333')!.inline.get('role/DevOps')?.has('AgentGuardrail-Quarantine')).toBe(true);
  });

  it('contains even when notification fails, and says so loudly', async () => {
    const { deps, accounts, errors } = await setup({ notifyFails: true });
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    expect(await guardEvent(del, deps)).toMatchObject({ findings: [{ outcome: 'contained' }] });
    expect(accounts.get('111122223333')!.writes).toBeGreaterThan(0);
    expect(errors).toHaveBeenCalledWith('notification failed', expect.objectContaining({ error: 'SNS is down' }));
  });

  it('makes one response for a duplicate delivery', async () => {
    const { deps, accounts } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    await guardEvent(del, deps);
    const writes = accounts.get('111122223333')!.writes;
    expect(await guardEvent(del, deps)).toMatchObject({ status: 'duplicate' });
    expect(accounts.get('111122223333')!.writes).toBe(writes);
  });

  it('never writes for invalid or custom (non-AWS) events', async () => {
    const { deps, accounts, state } = await setup();
    const [, del] = scenario('01-mcp-server-deletes-bucket');
    expect(await guardEvent({ ...del, source: 'custom.app' }, deps)).toMatchObject({ status: 'rejected' });
    expect(await guardEvent({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', account: '111122223333', detail: { eventName: 'DeleteBucket' } }, deps)).toMatchObject({ status: 'rejected' });
    expect(accounts.size).toBe(0);
    expect(state.ledger).toEqual([]);
  });
});

describe('guardEvent with the state table down', () => {
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
    await expect(guardEvent(del, { ...deps, state: down })).rejects.toMatchObject({ name: 'StateUnavailableError' });
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
    await guardEvent(assume, deps);
    await guardEvent(put, deps);
    const everything = JSON.stringify({ logged, ledger: state.ledger, notifications });
    expect(state.ledger.length).toBeGreaterThan(0);
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('wJalrXUtnFEMI');
  });
});
