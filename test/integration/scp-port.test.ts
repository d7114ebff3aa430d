import { CreateAccountCommand, CreateOrganizationCommand, ListPoliciesForTargetCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { beforeAll, describe, expect, it } from 'vitest';
import { useMoto } from './aws-fixture.ts';
import { createScpPort } from '../../functions/aws/organizations-scp-port.ts';
import { document } from '../../functions/core/respond/policy-document.ts';

let account: string;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

beforeAll(async () => {
  useMoto();
  const org = new OrganizationsClient({ region: 'us-east-1' });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' })).catch((error: Error) => {
    if (error.name !== 'AlreadyInOrganizationException') throw error;
  });
  const created = await org.send(new CreateAccountCommand({ AccountName: 'member', Email: 'member@example.com' }));
  account = created.CreateAccountStatus!.AccountId!;
});

describe('SCP port against moto Organizations', () => {
  it('creates, attaches, updates and deletes the guardrail SCP of an account', async () => {
    const scp = await createScpPort(credentials);
    const name = `AgentGuardrail-Scp-${account}`;
    const first = document([{ Sid: 'DenyDevOps', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${account}:role/DevOps` } } }]);
    await scp.putScp(name, first, account);
    expect(await scp.getScp(name)).toEqual(first);
    const org = new OrganizationsClient({ region: 'us-east-1' });
    const attached = await org.send(new ListPoliciesForTargetCommand({ TargetId: account, Filter: 'SERVICE_CONTROL_POLICY' }));
    expect(attached.Policies?.map((p) => p.Name)).toContain(name);

    const second = document([...first.Statement, { Sid: 'DenyOps', Effect: 'Deny', Action: 'iam:*', Resource: '*' }]);
    await scp.putScp(name, second, account);
    expect(await scp.getScp(name)).toEqual(second);

    await scp.deleteScp(name);
    expect(await scp.getScp(name)).toBeNull();
  });
});
