import { describe, expect, it } from 'vitest';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';
import { valid, roleSessionRecord } from '../../../helpers/records.ts';

const MINUTE = 60_000;

describe('InMemoryState', () => {
  it('finds a session by access key or by roleId:sessionName until it expires', async () => {
    const state = new InMemoryState();
    await state.putSession({ accessKeyId: 'ASIAKEY0000000000001', roleSessionKey: 'AROA1:s', roleArn: 'r', signals: ['session-tag'], evidence: 'e', expiresAt: 10 * MINUTE });
    expect(await state.findSession({ accessKeyId: 'ASIAKEY0000000000001', roleSessionKey: null }, 0)).not.toBeNull();
    expect(await state.findSession({ accessKeyId: null, roleSessionKey: 'AROA1:s' }, 0)).not.toBeNull();
    expect(await state.findSession({ accessKeyId: 'ASIAKEY0000000000001', roleSessionKey: null }, 11 * MINUTE)).toBeNull();
    expect(await state.findSession({ accessKeyId: 'ASIAOTHER00000000001', roleSessionKey: null }, 0)).toBeNull();
  });

  it('counts strikes within a sliding window', async () => {
    const state = new InMemoryState();
    expect(await state.countStrike('p|r', 'e1', 0, 10 * MINUTE)).toBe(1);
    expect(await state.countStrike('p|r', 'e2', 5 * MINUTE, 10 * MINUTE)).toBe(2);
    expect(await state.countStrike('p|r', 'e3', 12 * MINUTE, 10 * MINUTE)).toBe(2);
    expect(await state.countStrike('other', 'e3', 12 * MINUTE, 10 * MINUTE)).toBe(1);
  });

  it('hands out parked events once, under any of their keys, and drops expired ones', async () => {
    const state = new InMemoryState();
    const record = valid(roleSessionRecord());
    const stale = valid(roleSessionRecord({ eventID: 'e0000000-0000-4000-8000-000000000002' }));
    await state.addPending(['k1', 'k2'], { record, expiresAt: 100 });
    await state.addPending(['k1'], { record: stale, expiresAt: 10 });
    expect((await state.takePending(['k1', 'k2'], 50)).map((p) => p.record.eventID)).toEqual([record.eventID]);
    expect(await state.takePending(['k1', 'k2'], 50)).toEqual([]);
  });

  it('answers exemptions only before their end', async () => {
    const state = new InMemoryState({ exemptions: [{ principalArn: 'arn:aws:iam::111122223333:role/R', until: 100, reason: 'x' }] });
    expect(await state.exemptionFor('arn:aws:iam::111122223333:role/R', 99)).not.toBeNull();
    expect(await state.exemptionFor('arn:aws:iam::111122223333:role/R', 100)).toBeNull();
  });

  it('merges and removes role tags case-insensitively by key', async () => {
    const state = new InMemoryState({ roleTags: { 'a/R': { 'AI-Agent': 'true', team: 'x' } } });
    expect((await state.roleTags('a/R'))?.get('ai-agent')).toBe('true');
    await state.updateRoleTags('a/R', new Map([['owner', 'me']]), ['ai-agent']);
    expect(Object.fromEntries((await state.roleTags('a/R'))!)).toEqual({ team: 'x', owner: 'me' });
  });
});
