import type { PolicyDocument } from './policy-document.ts';

/** A role or user in one account, as IAM names it. */
export interface IdentityRef {
  readonly target: 'role' | 'user';
  readonly name: string;
}

/** The IAM calls containment needs, in the principal's account (through the responder role). */
export interface IamPort {
  getInlinePolicy(identity: IdentityRef, policyName: string): Promise<PolicyDocument | null>;
  putInlinePolicy(identity: IdentityRef, policyName: string, document: PolicyDocument): Promise<void>;
  deleteInlinePolicy(identity: IdentityRef, policyName: string): Promise<void>;
  getManagedPolicy(policyName: string): Promise<PolicyDocument | null>;
  /** Creates the customer-managed policy or makes `document` its default version; returns its ARN. */
  putManagedPolicy(policyName: string, document: PolicyDocument): Promise<string>;
  attachManagedPolicy(identity: IdentityRef, policyArn: string): Promise<void>;
  detachManagedPolicy(identity: IdentityRef, policyArn: string): Promise<void>;
  attachedPolicyCount(identity: IdentityRef): Promise<number>;
  getRoleTags(roleName: string): Promise<Record<string, string>>;
  tagRole(roleName: string, tags: Readonly<Record<string, string>>): Promise<void>;
  untagRole(roleName: string, keys: readonly string[]): Promise<void>;
  setAccessKeyStatus(userName: string, accessKeyId: string, status: 'Active' | 'Inactive'): Promise<void>;
  listAccessKeys(userName: string): Promise<readonly { accessKeyId: string; status: string }[]>;
  /** Deletes the user's console password; false when it had none (or the user is gone). */
  deleteLoginProfile(userName: string): Promise<boolean>;
}

/** Service control policies, through a role in the management account. */
export interface ScpPort {
  getScp(policyName: string): Promise<PolicyDocument | null>;
  /** Creates or updates the SCP and makes sure it is attached to `account`. */
  putScp(policyName: string, document: PolicyDocument, account: string): Promise<void>;
  deleteScp(policyName: string): Promise<void>;
}
