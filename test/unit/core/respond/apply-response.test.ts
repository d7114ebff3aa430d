import { describe, expect, it } from 'vitest';
import { applyResponse, ContainmentError, revertChanges } from '../../../../functions/core/respond/apply-response.ts';
import { document, type PolicyDocument } from '../../../../functions/core/respond/policy-document.ts';
import type { ResponseWrites } from '../../../../functions/core/respond/response-input.ts';
import { FakeIam } from '../../../helpers/fake-iam.ts';

const ACCOUNT = '111122223333';

function denyWrite(actions: string[], policyName = 'AgentGuardrail-DenyActions'): ResponseWrites {
  return {
    writes: [{ target: 'role', account: ACCOUNT, name: 'DevOps', policyName, policyType: 'inline', document: document([{ Sid: 'DenyAll', Effect: 'Deny', Action: actions, Resource: '*' }]) }],
    roleTags: {},
    effects: [],
    cannotContain: null,
  };
}

function portsFor(iam: FakeIam) {
  return { iamFor: async () => iam, scp: async () => { throw new Error('no SCP in this test'); } };
}

function bigPolicy(chars: number): PolicyDocument {
  return document([{ Sid: 'Filler', Effect: 'Deny', Action: `s3:${'x'.repeat(chars - 80)}`, Resource: '*' }]);
}

describe('applyResponse', () => {
  it('skips a write to an identity that is gone when the write allows it, and fails the containment otherwise', async () => {
    const iam = new FakeIam();
    const put = iam.putInlinePolicy.bind(iam);
    iam.putInlinePolicy = async (identity, name, doc) => {
      if (identity.name === 'svc') throw Object.assign(new Error('The user with name svc cannot be found.'), { name: 'NoSuchEntityException' });
      return put(identity, name, doc);
    };
    const minted = { target: 'user' as const, account: ACCOUNT, name: 'svc', policyName: 'AgentGuardrail-RevokeSessions', policyType: 'inline' as const, document: document([{ Sid: 'RevokeMinted', Effect: 'Deny', Action: '*', Resource: '*' }]) };
    const base = denyWrite(['iam:Put*Policy']);
    const applied = await applyResponse({ ...base, writes: [...base.writes, { ...minted, ifIdentityExists: true }] }, portsFor(iam));
    expect(applied.map((c) => c.kind)).toEqual(['inline-policy']);
    expect(iam.inline.get('role/DevOps')?.has('AgentGuardrail-DenyActions')).toBe(true);
    await expect(applyResponse({ ...base, writes: [...base.writes, minted] }, portsFor(iam))).rejects.toThrow(ContainmentError);
  });

  it('writes once, and applying the same response again writes nothing', async () => {
    const iam = new FakeIam();
    await applyResponse(denyWrite(['iam:Put*Policy']), portsFor(iam));
    const writes = iam.writes;
    expect(writes).toBe(1);
    const again = await applyResponse(denyWrite(['iam:Put*Policy']), portsFor(iam));
    expect(iam.writes).toBe(writes);
    expect(again[0]).toMatchObject({ kind: 'inline-policy', changed: false });
  });

  it('with the last-written document known from state, writes first and reads IAM only to verify', async () => {
    const iam = new FakeIam();
    const calls: string[] = [];
    const get = iam.getInlinePolicy.bind(iam);
    const put = iam.putInlinePolicy.bind(iam);
    iam.getInlinePolicy = async (...args) => (calls.push('get'), get(...args));
    iam.putInlinePolicy = async (...args) => (calls.push('put'), put(...args));
    const previous = document([{ Sid: 'DenyAll', Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*' }]);
    const [change] = await applyResponse(denyWrite(['iam:Put*Policy']), portsFor(iam), (_account, _identity, name) => (name === 'AgentGuardrail-DenyActions' ? previous : null));
    expect(calls).toEqual(['put', 'get']);
    // Merged with what state says is there, and that recorded as what the write replaced.
    expect(change).toMatchObject({ kind: 'inline-policy', previous, changed: true });
    expect(iam.inline.get('role/DevOps')!.get('AgentGuardrail-DenyActions')!.Statement[0]!.Action).toEqual(['iam:CreateRole', 'iam:Put*Policy']);
  });

  it('re-writes when IAM reads back a stale document (eventual consistency)', async () => {
    const iam = new FakeIam();
    iam.inline.set('role/DevOps', new Map());
    iam.staleReads = 2; // the read before writing and the read-back both see nothing
    await applyResponse(denyWrite(['iam:CreateUser']), portsFor(iam));
    expect(iam.writes).toBe(2);
    expect(iam.inline.get('role/DevOps')?.get('AgentGuardrail-DenyActions')).toBeDefined();
  });

  it('falls back to a customer-managed policy when the role has no inline space left (10,240 characters)', async () => {
    const iam = new FakeIam();
    iam.inline.set('role/DevOps', new Map([['app', bigPolicy(10_200)]]));
    const [change] = await applyResponse(denyWrite(['iam:CreateUser']), portsFor(iam));
    // One managed policy per identity: a release of another principal never touches it.
    expect(change).toMatchObject({ kind: 'managed-policy', policyName: 'AgentGuardrail-DenyActions-role-DevOps' });
    expect(iam.attached.get('role/DevOps')).toContain(`arn:aws:iam::${ACCOUNT}:policy/AgentGuardrail-DenyActions-role-DevOps`);
    expect(iam.inline.get('role/DevOps')?.has('AgentGuardrail-DenyActions')).toBe(false);
  });

  it('reports the containment as failed when neither inline nor managed space is left', async () => {
    const iam = new FakeIam();
    iam.inline.set('role/DevOps', new Map([['app', bigPolicy(10_200)]]));
    const huge = Array.from({ length: 600 }, (_, i) => `s3:Action${i}`);
    await expect(applyResponse(denyWrite(huge), portsFor(iam))).rejects.toBeInstanceOf(ContainmentError);
  });

  it('reports failure when ten managed policies are already attached', async () => {
    const iam = new FakeIam();
    iam.inline.set('role/DevOps', new Map([['app', bigPolicy(10_200)]]));
    iam.attached.set('role/DevOps', new Set(Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`)));
    await expect(applyResponse(denyWrite(['iam:CreateUser']), portsFor(iam))).rejects.toThrow(/already 10 managed policies/);
  });

  it("contains the agent by its SCP fallback when the role's policy space was used up beforehand", async () => {
    const iam = new FakeIam();
    iam.inline.set('role/DevOps', new Map([['app', bigPolicy(10_200)]]));
    iam.attached.set('role/DevOps', new Set(Array.from({ length: 10 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`)));
    const scpDocument = document([{ Sid: 'DenyAgentViaMcp', Effect: 'Deny', Action: 'iam:CreateUser', Resource: '*', Condition: { Bool: { 'aws:ViaAWSMCPService': 'true' } } }]);
    const response: ResponseWrites = {
      ...denyWrite(['iam:CreateUser']),
      scpFallback: { target: 'account', account: ACCOUNT, name: ACCOUNT, policyName: `AgentGuardrail-Scp-${ACCOUNT}`, policyType: 'scp', document: scpDocument },
    };
    const written = new Map<string, PolicyDocument>();
    const ports = { iamFor: async () => iam, scp: async () => ({ getScp: async (name: string) => written.get(name) ?? null, putScp: async (name: string, doc: PolicyDocument) => void written.set(name, doc), deleteScp: async () => undefined }) };
    const changes = await applyResponse(response, ports as never);
    expect(changes).toMatchObject([{ kind: 'scp', policyName: `AgentGuardrail-Scp-${ACCOUNT}`, changed: true }]);
    expect(written.get(`AgentGuardrail-Scp-${ACCOUNT}`)).toEqual(scpDocument);
    // Nothing was added to the role: it had no room, and the agent is held by the SCP.
    expect([...iam.inline.get('role/DevOps')!.keys()]).toEqual(['app']);
    expect(iam.attached.get('role/DevOps')!.size).toBe(10);
  });

  it('turns an AWS error into a ContainmentError that keeps the cause and what was already applied', async () => {
    const iam = new FakeIam();
    iam.failWith = Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' });
    const failure = await applyResponse(denyWrite(['iam:CreateUser']), portsFor(iam)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContainmentError);
    expect((failure as ContainmentError).cause).toMatchObject({ name: 'AccessDenied' });
    expect((failure as { applied: unknown[] }).applied).toEqual([]);
  });

  it('reverts exactly: the role ends as it started', async () => {
    const iam = new FakeIam();
    iam.inline.set('role/DevOps', new Map([['app', bigPolicy(200)]]));
    iam.tags.set('DevOps', { team: 'platform' });
    const before = structuredClone({ inline: [...iam.inline.get('role/DevOps')!], tags: iam.tags.get('DevOps') });
    const first = await applyResponse(denyWrite(['iam:CreateUser']), portsFor(iam));
    const second = await applyResponse(
      { ...denyWrite([]), writes: [{ ...denyWrite([]).writes[0]!, policyName: 'AgentGuardrail-Quarantine', document: document([{ Sid: 'Quarantine', Effect: 'Deny', Action: '*', Resource: '*' }]) }], roleTags: { 'agent-guardrail:quarantined': 'x' } },
      portsFor(iam),
    );
    await revertChanges([...first, ...second], portsFor(iam));
    expect({ inline: [...iam.inline.get('role/DevOps')!], tags: iam.tags.get('DevOps') }).toEqual(before);
  });
});

describe('release of a shared SCP', () => {
  it("takes out one principal's statements and keeps the ones added for others since", async () => {
    const scps = new Map<string, import('../../../../functions/core/respond/policy-document.ts').PolicyDocument>();
    const scpPort = {
      getScp: async (name: string) => scps.get(name) ?? null,
      putScp: async (name: string, doc: import('../../../../functions/core/respond/policy-document.ts').PolicyDocument) => void scps.set(name, doc),
      deleteScp: async (name: string) => void scps.delete(name),
    };
    const ports = { iamFor: async () => new FakeIam(), scp: async () => scpPort };
    const scpWrite = (sid: string): ResponseWrites => ({
      writes: [{ target: 'account', account: ACCOUNT, name: ACCOUNT, policyName: `AgentGuardrail-Scp-${ACCOUNT}`, policyType: 'scp', document: document([{ Sid: sid, Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }]) }],
      roleTags: {},
      effects: [],
      cannotContain: null,
    });
    const first = await applyResponse(scpWrite('DenyDevOps'), ports);
    await applyResponse(scpWrite('DenyOps'), ports);
    await revertChanges(first, ports);
    expect(scps.get(`AgentGuardrail-Scp-${ACCOUNT}`)?.Statement.map((s) => s.Sid)).toEqual(['DenyOps']);
  });
});

describe('release of a containment that also wrote on another role (the role the agent chained from)', () => {
  it("takes out only that containment's statements there, and keeps the other role's own containment", async () => {
    const iam = new FakeIam();
    const on = (name: string, sid: string): ResponseWrites['writes'][number] => ({
      target: 'role', account: ACCOUNT, name, policyName: 'AgentGuardrail-DenyActions', policyType: 'inline',
      document: document([{ Sid: sid, Effect: 'Deny', Action: 'iam:PutRolePolicy', Resource: '*' }]),
    });
    // Build's containment also binds the agent on DevOps; then DevOps gets a containment of its own.
    const build = await applyResponse({ writes: [on('Build', 'DenyAgentLineage'), on('DevOps', 'DenyAgentReentry')], roleTags: {}, effects: [], cannotContain: null }, portsFor(iam));
    await applyResponse({ writes: [on('DevOps', 'DenyAgentTagaiagent')], roleTags: {}, effects: [], cannotContain: null }, portsFor(iam));
    await revertChanges(build, portsFor(iam), { account: ACCOUNT, identity: { target: 'role', name: 'Build' } });
    expect(iam.inline.get('role/Build')?.size ?? 0).toBe(0);
    expect(iam.inline.get('role/DevOps')!.get('AgentGuardrail-DenyActions')!.Statement.map((s) => s.Sid)).toEqual(['DenyAgentTagaiagent']);
  });
});
