import { GuardrailError } from '../errors.ts';
import { mergeDocuments, policySize, QUOTAS, type PolicyDocument } from './policy-document.ts';
import type { IamPort, IdentityRef, ScpPort } from './ports.ts';
import type { PlannedWrite, ResponseWrites } from './response-input.ts';

/** A containment that could not be written: reported and ledgered, never skipped silently. */
export class ContainmentError extends GuardrailError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContainmentError';
  }
}

/** What one applied write replaced, so release can restore it exactly. */
export type AppliedChange =
  | { readonly kind: 'inline-policy'; readonly account: string; readonly identity: IdentityRef; readonly policyName: string; readonly previous: PolicyDocument | null; readonly document: PolicyDocument; readonly changed: boolean }
  | { readonly kind: 'managed-policy'; readonly account: string; readonly identity: IdentityRef; readonly policyName: string; readonly policyArn: string; readonly previous: PolicyDocument | null; readonly document: PolicyDocument; readonly changed: boolean }
  | { readonly kind: 'scp'; readonly account: string; readonly policyName: string; readonly previous: PolicyDocument | null; readonly document: PolicyDocument; readonly changed: boolean }
  | { readonly kind: 'role-tags'; readonly account: string; readonly roleName: string; readonly previous: Readonly<Record<string, string | null>>; readonly tags: Readonly<Record<string, string>> }
  | { readonly kind: 'access-key'; readonly account: string; readonly userName: string; readonly accessKeyId: string; readonly previous: 'Active' }
  /** A deleted console password: release cannot restore it (the user's owner sets a new one). */
  | { readonly kind: 'login-profile'; readonly account: string; readonly userName: string };

export interface ApplyPorts {
  iamFor(account: string): Promise<IamPort>;
  scp(): Promise<ScpPort>;
}

function same(a: PolicyDocument | null, b: PolicyDocument): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * What the guardrail last wrote to a policy of an identity, from the state table: a document, null (none),
 * or undefined when unknown (IAM is read instead).
 */
export type KnownDocuments = (account: string, identity: IdentityRef, policyName: string) => PolicyDocument | null | undefined;
const UNKNOWN: KnownDocuments = () => undefined;

/** IAM refuses an inline policy past the identity's aggregate quota with LimitExceeded (HTTP 409). */
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html (Errors)
function isLimitExceeded(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === 'LimitExceeded' || name === 'LimitExceededException';
}

/** The identity has no policy space left: inline quota used and no managed policy can be added. */
export class PolicySpaceExhausted extends ContainmentError {
  constructor(message: string) {
    super(message);
    this.name = 'PolicySpaceExhausted';
  }
}

/** An inline write done, with the read-back still to do. */
interface InlineWrite {
  readonly iam: IamPort;
  readonly change: AppliedChange;
}

async function writeInline(iam: IamPort, write: PlannedWrite, identity: IdentityRef, known: PolicyDocument | null | undefined): Promise<InlineWrite | AppliedChange> {
  // The guardrail's own last document comes from state; IAM is read only when state cannot say.
  const fromState = known !== undefined;
  const previous = fromState ? known : await iam.getInlinePolicy(identity, write.policyName);
  const merged = mergeDocuments(previous, write.document);
  const base = { account: write.account, identity, policyName: write.policyName, previous };
  // What IAM itself shows in place needs no write. What state says is in place is written anyway: the
  // response claim was won, and without reading IAM only a write makes sure.
  if (!fromState && same(previous, merged)) return { kind: 'inline-policy', ...base, document: merged, changed: false };
  try {
    await iam.putInlinePolicy(identity, write.policyName, merged);
  } catch (error) {
    // Past the inline quota (10,240 characters for a role, 2,048 for a user, all inline policies together):
    // the same document as a customer-managed policy instead.
    if (!isLimitExceeded(error)) throw error;
    return writeManaged(iam, write, identity, merged);
  }
  return { iam, change: { kind: 'inline-policy', ...base, document: merged, changed: !same(previous, merged) } };
}

async function verifyInline({ iam, change }: InlineWrite): Promise<void> {
  if (change.kind !== 'inline-policy') return;
  // IAM is eventually consistent: read back and write once more if the document did not stick.
  if (!same(await iam.getInlinePolicy(change.identity, change.policyName), change.document)) {
    await iam.putInlinePolicy(change.identity, change.policyName, change.document);
  }
}

/**
 * The managed fallback is one policy per identity, so releasing one principal never restores a document over
 * another principal's statements (IAM's managed policy names: 128 characters at most).
 */
export function managedPolicyName(policyName: string, identity: IdentityRef): string {
  return `${policyName}-${identity.target}-${identity.name}`.slice(0, 128);
}

async function writeManaged(iam: IamPort, write: PlannedWrite, identity: IdentityRef, inlineMerged: PolicyDocument): Promise<AppliedChange> {
  const name = managedPolicyName(write.policyName, identity);
  const previous = await iam.getManagedPolicy(name);
  const merged = mergeDocuments(previous, inlineMerged);
  if (policySize(merged) > QUOTAS.managedPolicyChars) {
    throw new PolicySpaceExhausted(`${name} for ${identity.target} ${identity.name} is ${policySize(merged)} characters: over the inline space left and the managed-policy quota (${QUOTAS.managedPolicyChars})`);
  }
  if (previous === null && (await iam.attachedPolicyCount(identity)) >= QUOTAS.managedPoliciesPerPrincipal) {
    throw new PolicySpaceExhausted(`${identity.target} ${identity.name} has no inline space left and already ${QUOTAS.managedPoliciesPerPrincipal} managed policies attached`);
  }
  const policyArn = await iam.putManagedPolicy(name, merged);
  await iam.attachManagedPolicy(identity, policyArn);
  return { kind: 'managed-policy', account: write.account, identity, policyName: name, policyArn, previous, document: merged, changed: true };
}

async function writeScp(write: PlannedWrite, ports: ApplyPorts): Promise<AppliedChange> {
  const scp = await ports.scp();
  const previous = await scp.getScp(write.policyName);
  const merged = mergeDocuments(previous, write.document);
  if (policySize(merged) > QUOTAS.scpChars) {
    throw new ContainmentError(`${write.policyName} would be ${policySize(merged)} characters, over the SCP quota of ${QUOTAS.scpChars}`);
  }
  if (!same(previous, merged)) await scp.putScp(write.policyName, merged, write.account);
  return { kind: 'scp', account: write.account, policyName: write.policyName, previous, document: merged, changed: !same(previous, merged) };
}

async function tagRole(response: ResponseWrites, ports: ApplyPorts): Promise<AppliedChange | null> {
  const roleWrite = response.writes.find((w) => w.target === 'role');
  if (!roleWrite || Object.keys(response.roleTags).length === 0) return null;
  const iam = await ports.iamFor(roleWrite.account);
  const current = await iam.getRoleTags(roleWrite.name);
  const previous = Object.fromEntries(Object.keys(response.roleTags).map((key) => [key, current[key] ?? null]));
  await iam.tagRole(roleWrite.name, response.roleTags);
  return { kind: 'role-tags', account: roleWrite.account, roleName: roleWrite.name, previous, tags: response.roleTags };
}

/** Deactivates the access keys a response names: long-term (AKIA) keys only, as IAM manages no others. */
async function applyEffects(response: ResponseWrites, ports: ApplyPorts): Promise<AppliedChange[]> {
  const changes: AppliedChange[] = [];
  for (const effect of response.effects) {
    const iam = await ports.iamFor(effect.account);
    if (effect.effect === 'delete-login-profile') {
      if (await iam.deleteLoginProfile(effect.userName)) changes.push({ kind: 'login-profile', account: effect.account, userName: effect.userName });
      continue;
    }
    try {
      const keys =
        effect.effect === 'deactivate-access-key'
          ? [effect.accessKeyId]
          : (await iam.listAccessKeys(effect.userName)).filter((k) => k.status === 'Active').map((k) => k.accessKeyId);
      for (const accessKeyId of keys.filter((k) => k.startsWith('AKIA'))) {
        await iam.setAccessKeyStatus(effect.userName, accessKeyId, 'Inactive');
        changes.push({ kind: 'access-key', account: effect.account, userName: effect.userName, accessKeyId, previous: 'Active' });
      }
    } catch (error) {
      // A user or key already deleted has nothing left to deactivate.
      if (!/NoSuchEntity/.test((error as Error).name)) throw error;
    }
  }
  return changes;
}

/**
 * Applies a planned response: each document merged with what the guardrail last wrote there (`known`, from
 * state; IAM is read only when unknown) and written first, with no IAM read before it; past IAM's inline
 * quota, a managed policy. Then, in parallel, the read-back of each write, the role's tags and the access
 * key. Returns what each write replaced. Throws ContainmentError (or the AWS error) when a write fails;
 * changes applied before the failure are on the error's `applied`.
 */
export async function applyResponse(response: ResponseWrites, ports: ApplyPorts, known: KnownDocuments = UNKNOWN): Promise<AppliedChange[]> {
  const applied: AppliedChange[] = [];
  try {
    const written: InlineWrite[] = [];
    for (const write of response.writes) {
      if (write.policyType === 'scp') {
        applied.push(await writeScp(write, ports));
        continue;
      }
      const iam = await ports.iamFor(write.account);
      const identity: IdentityRef = { target: write.target as IdentityRef['target'], name: write.name };
      let result: InlineWrite | AppliedChange;
      try {
        result = await writeInline(iam, write, identity, known(write.account, identity, write.policyName));
      } catch (error) {
        // An identity that is gone has no sessions left to cut off (PlannedWrite.ifIdentityExists).
        if (write.ifIdentityExists && /NoSuchEntity/.test((error as Error).name)) continue;
        // The agent used up the role's policy space beforehand: contain it by the agent-scoped SCP instead.
        if (!(error instanceof PolicySpaceExhausted) || !response.scpFallback) throw error;
        applied.push(await writeScp(response.scpFallback, ports));
        continue;
      }
      if ('iam' in result) written.push(result);
      applied.push('iam' in result ? result.change : result);
    }
    const settled = await Promise.allSettled([...written.map(verifyInline), tagRole(response, ports), applyEffects(response, ports)]);
    for (const result of settled) if (result.status === 'fulfilled' && result.value) applied.push(...[result.value].flat());
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    throw Object.assign(error instanceof ContainmentError ? error : new ContainmentError(`containment failed: ${(error as Error).message}`, { cause: error }), { applied });
  }
  return applied;
}

/**
 * `current` without the statements a change added (Sids in `document` that `previous` lacked); the
 * statements it extended go back to `previous`. Null when nothing is left.
 */
function withoutAddedStatements(current: PolicyDocument | null, previous: PolicyDocument | null, document: PolicyDocument): PolicyDocument | null {
  if (!current) return null;
  const before = new Map((previous?.Statement ?? []).map((s) => [s.Sid, s]));
  const added = new Set(document.Statement.map((s) => s.Sid).filter((sid) => !before.has(sid)));
  const statements = current.Statement.filter((s) => !added.has(s.Sid)).map((s) => (before.has(s.Sid) && document.Statement.some((d) => d.Sid === s.Sid) ? before.get(s.Sid)! : s));
  return statements.length > 0 ? { ...current, Statement: statements } : null;
}

/**
 * Undoes applied changes in reverse order, restoring exactly what each replaced (release). A change on
 * another identity than the one released (a role the agent chained from, a user it created) may share its
 * policy with that identity's own containment: only the statements the change added are taken out there.
 */
export async function revertChanges(changes: readonly AppliedChange[], ports: ApplyPorts, released?: { readonly account: string; readonly identity: IdentityRef }): Promise<void> {
  const isReleased = (account: string, identity: IdentityRef) =>
    !released || (released.account === account && released.identity.target === identity.target && released.identity.name === identity.name);
  for (const change of [...changes].reverse()) {
    switch (change.kind) {
      case 'inline-policy': {
        const iam = await ports.iamFor(change.account);
        const restored = isReleased(change.account, change.identity)
          ? change.previous
          : withoutAddedStatements(await iam.getInlinePolicy(change.identity, change.policyName), change.previous, change.document);
        if (restored) await iam.putInlinePolicy(change.identity, change.policyName, restored);
        else await iam.deleteInlinePolicy(change.identity, change.policyName);
        break;
      }
      case 'managed-policy': {
        const iam = await ports.iamFor(change.account);
        if (change.previous) await iam.putManagedPolicy(change.policyName, change.previous);
        else await iam.detachManagedPolicy(change.identity, change.policyArn);
        break;
      }
      case 'scp': {
        // An account's SCP is shared by every principal contained in it: take out only the statements this
        // change added, as they stand now, never restore a snapshot that would drop later ones.
        const scp = await ports.scp();
        const current = await scp.getScp(change.policyName);
        const remaining = withoutAddedStatements(current, change.previous, change.document);
        if (remaining) await scp.putScp(change.policyName, remaining, change.account);
        else await scp.deleteScp(change.policyName);
        break;
      }
      case 'role-tags': {
        const iam = await ports.iamFor(change.account);
        const restore = Object.fromEntries(Object.entries(change.previous).filter((e): e is [string, string] => e[1] !== null));
        const remove = Object.entries(change.previous).filter(([, v]) => v === null).map(([k]) => k);
        if (remove.length > 0) await iam.untagRole(change.roleName, remove);
        if (Object.keys(restore).length > 0) await iam.tagRole(change.roleName, restore);
        break;
      }
      case 'access-key': {
        const iam = await ports.iamFor(change.account);
        await iam.setAccessKeyStatus(change.userName, change.accessKeyId, change.previous);
        break;
      }
      case 'login-profile':
        // A password is never stored: nothing to put back.
        break;
    }
  }
}

/**
 * Puts back, on one role, the guardrail documents and tags that someone removed: the latest document the
 * ledger recorded for each guardrail policy, and the latest guardrail tags. Returns what was re-applied.
 */
export async function reapplyContainment(changes: readonly AppliedChange[], ports: ApplyPorts): Promise<string[]> {
  const latest = new Map<string, AppliedChange>();
  for (const change of changes) {
    if (change.kind === 'inline-policy' || change.kind === 'managed-policy') latest.set(`${change.kind}|${change.policyName}`, change);
    if (change.kind === 'role-tags') latest.set('tags', change);
  }
  const reapplied: string[] = [];
  for (const change of latest.values()) {
    const iam = await ports.iamFor(change.account);
    if (change.kind === 'inline-policy') {
      if (!same(await iam.getInlinePolicy(change.identity, change.policyName), change.document)) {
        await iam.putInlinePolicy(change.identity, change.policyName, change.document);
        reapplied.push(change.policyName);
      }
    } else if (change.kind === 'managed-policy') {
      await iam.putManagedPolicy(change.policyName, change.document);
      await iam.attachManagedPolicy(change.identity, change.policyArn);
      reapplied.push(change.policyName);
    } else if (change.kind === 'role-tags') {
      const current = await iam.getRoleTags(change.roleName);
      if (Object.entries(change.tags).some(([k, v]) => current[k] !== v)) {
        await iam.tagRole(change.roleName, change.tags);
        reapplied.push(...Object.keys(change.tags));
      }
    }
  }
  return reapplied;
}
