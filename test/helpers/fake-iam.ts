import type { PolicyDocument } from '../../functions/core/respond/policy-document.ts';
import type { IamPort, IdentityRef } from '../../functions/core/respond/ports.ts';

/** An in-memory IAM account for applier tests; counts writes and can be told to misbehave. */
export class FakeIam implements IamPort {
  readonly inline = new Map<string, Map<string, PolicyDocument>>();
  readonly managed = new Map<string, PolicyDocument>();
  readonly attached = new Map<string, Set<string>>();
  readonly tags = new Map<string, Record<string, string>>();
  readonly keys = new Map<string, string>();
  writes = 0;
  /** Reads of a just-written inline policy return the old document this many times (eventual consistency). */
  staleReads = 0;
  failWith: Error | null = null;

  private key(identity: IdentityRef) {
    return `${identity.target}/${identity.name}`;
  }
  private check() {
    if (this.failWith) throw this.failWith;
  }
  async getInlinePolicy(identity: IdentityRef, name: string) {
    this.check();
    if (this.staleReads > 0) {
      this.staleReads--;
      return null;
    }
    return this.inline.get(this.key(identity))?.get(name) ?? null;
  }
  async putInlinePolicy(identity: IdentityRef, name: string, document: PolicyDocument) {
    this.check();
    const map = this.inline.get(this.key(identity)) ?? new Map();
    // IAM's aggregate inline quota (whitespace not counted), refused with LimitExceeded as IAM does.
    let total = JSON.stringify(document).length;
    for (const [other, doc] of map) if (other !== name) total += JSON.stringify(doc).length;
    const limit = identity.target === 'role' ? 10_240 : 2_048;
    if (total > limit) throw Object.assign(new Error(`Maximum policy size of ${limit} bytes exceeded for ${identity.target} ${identity.name}`), { name: 'LimitExceededException' });
    this.writes++;
    map.set(name, document);
    this.inline.set(this.key(identity), map);
  }
  async deleteInlinePolicy(identity: IdentityRef, name: string) {
    this.writes++;
    this.inline.get(this.key(identity))?.delete(name);
  }
  async getManagedPolicy(name: string) {
    return this.managed.get(name) ?? null;
  }
  async putManagedPolicy(name: string, document: PolicyDocument) {
    this.writes++;
    this.managed.set(name, document);
    return `arn:aws:iam::111122223333:policy/${name}`;
  }
  async attachManagedPolicy(identity: IdentityRef, arn: string) {
    this.writes++;
    const set = this.attached.get(this.key(identity)) ?? new Set();
    set.add(arn);
    this.attached.set(this.key(identity), set);
  }
  async detachManagedPolicy(identity: IdentityRef, arn: string) {
    this.writes++;
    this.attached.get(this.key(identity))?.delete(arn);
  }
  async attachedPolicyCount(identity: IdentityRef) {
    return this.attached.get(this.key(identity))?.size ?? 0;
  }
  async getRoleTags(role: string) {
    return { ...(this.tags.get(role) ?? {}) };
  }
  async tagRole(role: string, tags: Readonly<Record<string, string>>) {
    this.writes++;
    this.tags.set(role, { ...(this.tags.get(role) ?? {}), ...tags });
  }
  async untagRole(role: string, keys: readonly string[]) {
    this.writes++;
    const tags = { ...(this.tags.get(role) ?? {}) };
    for (const key of keys) delete tags[key];
    this.tags.set(role, tags);
  }
  /** Users with a console password. */
  readonly loginProfiles = new Set<string>();
  async deleteLoginProfile(user: string) {
    this.writes++;
    return this.loginProfiles.delete(user);
  }
  async listAccessKeys(user: string) {
    return [...this.keys.entries()].filter(([key]) => this.keyOwners.get(key) === user).map(([accessKeyId, status]) => ({ accessKeyId, status }));
  }
  /** Which user owns each key (set by tests). */
  readonly keyOwners = new Map<string, string>();
  async setAccessKeyStatus(_user: string, key: string, status: 'Active' | 'Inactive') {
    // IAM manages long-term (AKIA) keys only; a temporary (ASIA) key id is not found.
    if (!key.startsWith('AKIA')) throw Object.assign(new Error(`The Access Key with id ${key} cannot be found.`), { name: 'NoSuchEntityException' });
    this.writes++;
    this.keys.set(key, status);
  }
}
