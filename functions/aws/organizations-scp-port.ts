import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { PolicyDocument } from '../core/respond/policy-document.ts';
import type { ScpPort } from '../core/respond/ports.ts';
import { RETRY } from './clients.ts';
import { GUARDRAIL_SCP_TAG } from '../core/respond/required-permissions.ts';
import { globalEndpointRegion, type Partition } from './global-endpoints.ts';

/**
 * Service control policies through a role in the management account. The Organizations client is loaded
 * on first use: most responses never need it.
 */
export async function createScpPort(credentials: AwsCredentialIdentity, partition: Partition = 'aws'): Promise<ScpPort> {
  const org = await import('@aws-sdk/client-organizations');
  const client = new org.OrganizationsClient({ ...RETRY, region: globalEndpointRegion('organizations', partition), credentials });

  async function findPolicyId(name: string): Promise<string | null> {
    let token: string | undefined;
    do {
      const page = await client.send(new org.ListPoliciesCommand({ Filter: 'SERVICE_CONTROL_POLICY', NextToken: token }));
      const found = page.Policies?.find((p) => p.Name === name);
      if (found?.Id) return found.Id;
      token = page.NextToken;
    } while (token);
    return null;
  }

  return {
    async getScp(name) {
      const id = await findPolicyId(name);
      if (!id) return null;
      const response = await client.send(new org.DescribePolicyCommand({ PolicyId: id }));
      const content = response.Policy?.Content;
      return content ? (JSON.parse(content) as PolicyDocument) : null;
    },
    async putScp(name, document, account) {
      const Content = JSON.stringify(document);
      let id = await findPolicyId(name);
      if (id) {
        await client.send(new org.UpdatePolicyCommand({ PolicyId: id, Content }));
      } else {
        const created = await client.send(
          // Tagged: the SCP role may change only the policies carrying this tag.
          new org.CreatePolicyCommand({ Name: name, Content, Type: 'SERVICE_CONTROL_POLICY', Description: 'Written by agent-guardrail', Tags: [{ Key: GUARDRAIL_SCP_TAG, Value: 'true' }] }),
        );
        id = created.Policy!.PolicySummary!.Id!;
      }
      try {
        await client.send(new org.AttachPolicyCommand({ PolicyId: id, TargetId: account }));
      } catch (error) {
        if ((error as Error).name !== 'DuplicatePolicyAttachmentException') throw error;
      }
    },
    async deleteScp(name) {
      const id = await findPolicyId(name);
      if (!id) return;
      const targets = await client.send(new org.ListTargetsForPolicyCommand({ PolicyId: id }));
      for (const target of targets.Targets ?? []) {
        await client.send(new org.DetachPolicyCommand({ PolicyId: id, TargetId: target.TargetId! }));
      }
      await client.send(new org.DeletePolicyCommand({ PolicyId: id }));
    },
  };
}
