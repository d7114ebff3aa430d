import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  DeleteLoginProfileCommand,
  DeleteRolePolicyCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRoleTagsCommand,
  NoSuchEntityException,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import type { PolicyDocument } from '../core/respond/policy-document.ts';
import type { IamPort, IdentityRef } from '../core/respond/ports.ts';

function parseDocument(encoded: string | undefined): PolicyDocument | null {
  // IAM returns policy documents URL-encoded (RFC 3986).
  return encoded ? (JSON.parse(decodeURIComponent(encoded)) as PolicyDocument) : null;
}

async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof NoSuchEntityException || (error as Error).name === 'NoSuchEntity' || (error as Error).name === 'NoSuchEntityException') return null;
    throw error;
  }
}

/** IamPort over the IAM API in one account; `account` builds managed-policy ARNs. */
export function createIamPort(iam: IAMClient, account: string, partition = 'aws'): IamPort {
  const managedArn = (name: string) => `arn:${partition}:iam::${account}:policy/${name}`;
  return {
    async getInlinePolicy(identity, policyName) {
      const response = await orNull<{ PolicyDocument?: string }>(
        identity.target === 'role'
          ? iam.send(new GetRolePolicyCommand({ RoleName: identity.name, PolicyName: policyName }))
          : iam.send(new GetUserPolicyCommand({ UserName: identity.name, PolicyName: policyName })),
      );
      return parseDocument(response?.PolicyDocument);
    },
    async putInlinePolicy(identity, policyName, document) {
      const PolicyDocument = JSON.stringify(document);
      await (identity.target === 'role'
        ? iam.send(new PutRolePolicyCommand({ RoleName: identity.name, PolicyName: policyName, PolicyDocument }))
        : iam.send(new PutUserPolicyCommand({ UserName: identity.name, PolicyName: policyName, PolicyDocument })));
    },
    async deleteInlinePolicy(identity, policyName) {
      await orNull<unknown>(
        identity.target === 'role'
          ? iam.send(new DeleteRolePolicyCommand({ RoleName: identity.name, PolicyName: policyName }))
          : iam.send(new DeleteUserPolicyCommand({ UserName: identity.name, PolicyName: policyName })),
      );
    },
    async getManagedPolicy(policyName) {
      const policy = await orNull(iam.send(new GetPolicyCommand({ PolicyArn: managedArn(policyName) })));
      const version = policy?.Policy?.DefaultVersionId;
      if (!version) return null;
      const response = await iam.send(new GetPolicyVersionCommand({ PolicyArn: managedArn(policyName), VersionId: version }));
      return parseDocument(response.PolicyVersion?.Document);
    },
    async putManagedPolicy(policyName, document) {
      const arn = managedArn(policyName);
      const PolicyDocument = JSON.stringify(document);
      const existing = await orNull(iam.send(new GetPolicyCommand({ PolicyArn: arn })));
      if (!existing) {
        await iam.send(new CreatePolicyCommand({ PolicyName: policyName, PolicyDocument, Description: 'Written by agent-guardrail' }));
        return arn;
      }
      // A managed policy keeps at most five versions: drop the oldest non-default one first.
      const versions = (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [];
      if (versions.length >= 5) {
        const oldest = versions.filter((v) => !v.IsDefaultVersion).sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
        if (oldest?.VersionId) await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId }));
      }
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument, SetAsDefault: true }));
      return arn;
    },
    async attachManagedPolicy(identity, policyArn) {
      await (identity.target === 'role'
        ? iam.send(new AttachRolePolicyCommand({ RoleName: identity.name, PolicyArn: policyArn }))
        : iam.send(new AttachUserPolicyCommand({ UserName: identity.name, PolicyArn: policyArn })));
    },
    async detachManagedPolicy(identity, policyArn) {
      await orNull<unknown>(
        identity.target === 'role'
          ? iam.send(new DetachRolePolicyCommand({ RoleName: identity.name, PolicyArn: policyArn }))
          : iam.send(new DetachUserPolicyCommand({ UserName: identity.name, PolicyArn: policyArn })),
      );
    },
    async attachedPolicyCount(identity) {
      const response =
        identity.target === 'role'
          ? await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: identity.name }))
          : await iam.send(new ListAttachedUserPoliciesCommand({ UserName: identity.name }));
      return response.AttachedPolicies?.length ?? 0;
    },
    async getRoleTags(roleName) {
      const response = await iam.send(new ListRoleTagsCommand({ RoleName: roleName }));
      return Object.fromEntries((response.Tags ?? []).map((tag) => [tag.Key!, tag.Value ?? '']));
    },
    async tagRole(roleName, tags) {
      await iam.send(new TagRoleCommand({ RoleName: roleName, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
    },
    async untagRole(roleName, keys) {
      await iam.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: [...keys] }));
    },
    async deleteLoginProfile(userName) {
      return (await orNull(iam.send(new DeleteLoginProfileCommand({ UserName: userName })))) !== null;
    },
    async listAccessKeys(userName) {
      const keys: { accessKeyId: string; status: string }[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(new ListAccessKeysCommand({ UserName: userName, Marker: marker }));
        for (const key of page.AccessKeyMetadata ?? []) keys.push({ accessKeyId: key.AccessKeyId!, status: key.Status ?? 'Active' });
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return keys;
    },
    async setAccessKeyStatus(userName, accessKeyId, status) {
      await iam.send(new UpdateAccessKeyCommand({ UserName: userName, AccessKeyId: accessKeyId, Status: status }));
    },
  };
}

export type { IdentityRef };
