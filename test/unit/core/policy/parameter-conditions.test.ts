import { describe, expect, it } from 'vitest';
import { AWS_TECHNIQUES, type TechniqueCall } from '../../../../functions/config/attack-techniques.ts';
import { techniqueRecords } from '../../../../functions/config/technique-records.ts';
import { compilePolicyText } from '../../../../functions/config/load-policy-file.ts';
import { unwrapInput } from '../../../../functions/core/cloudtrail/unwrap-input.ts';
import { validateRecord } from '../../../../functions/core/cloudtrail/validate-record.ts';
import { createDetector } from '../../../../functions/core/detect/detector.ts';
import { PolicyError } from '../../../../functions/core/errors.ts';
import { InMemoryState } from '../../../../functions/core/state/in-memory-state.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';

/** The verdict on one call by an agent, under the shipped policy. */
async function verdictOf(call: TechniqueCall): Promise<{ verdict: string; rule: string | null }> {
  const technique = { id: 'probe', name: 'probe', tactic: '', attack: [], calls: [call] };
  const [record] = techniqueRecords(technique, 'agent');
  const [item] = [...unwrapInput(record, 'probe')];
  const result = validateRecord(item!);
  if (!result.ok) throw new Error(result.reason);
  const [finding] = await createDetector(await loadDefaultPolicy(), new InMemoryState()).evaluate(result.record);
  return { verdict: finding!.verdict, rule: finding!.rule };
}

const callOf = (id: string) => AWS_TECHNIQUES.find((t) => t.id === id)!.calls[0]!;
const withParameters = (id: string, requestParameters: Record<string, unknown>) => ({ ...callOf(id), requestParameters });

describe('parameter conditions of the shipped policy', () => {
  it('single out sharing with another account, not with the account itself', async () => {
    const share = (userId: string) => withParameters('aws.exfiltration.ec2-share-ebs-snapshot', { snapshotId: 'snap-1', createVolumePermission: { add: { items: [{ userId }] } } });
    expect(await verdictOf(share('098797384747'))).toMatchObject({ verdict: 'violation', rule: 'no-sharing-outside' });
    expect(await verdictOf(share('111122223333'))).toMatchObject({ verdict: 'allow' });
    const everyone = withParameters('aws.exfiltration.ec2-share-ami', { imageId: 'ami-1', launchPermission: { add: { items: [{ group: 'all' }] } } });
    expect(await verdictOf(everyone)).toMatchObject({ verdict: 'violation', rule: 'no-sharing-outside' });
    // Removing a permission is not sharing.
    const removal = withParameters('aws.exfiltration.ec2-share-ami', { imageId: 'ami-1', launchPermission: { remove: { items: [{ group: 'all' }] } } });
    expect(await verdictOf(removal)).toMatchObject({ verdict: 'allow' });
  });

  it('single out bucket policies granting everyone or another account', async () => {
    const policy = (principal: unknown) =>
      withParameters('aws.exfiltration.s3-backdoor-bucket-policy', { bucketName: 'b', bucketPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }] } });
    expect(await verdictOf(policy('*'))).toMatchObject({ verdict: 'violation' });
    expect(await verdictOf(policy({ AWS: ['arn:aws:iam::111122223333:role/app', 'arn:aws:iam::193672423079:root'] }))).toMatchObject({ verdict: 'violation' });
    expect(await verdictOf(policy({ AWS: 'arn:aws:iam::111122223333:role/app' }))).toMatchObject({ verdict: 'allow' });
    expect(await verdictOf(policy({ Service: 'cloudtrail.amazonaws.com' }))).toMatchObject({ verdict: 'allow' });
  });

  it('single out security groups opened to the internet, not to a private range', async () => {
    const open = (cidrIp: string) => withParameters('aws.exfiltration.ec2-security-group-open-port-22-ingress', { groupId: 'sg-1', ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp });
    expect(await verdictOf(open('0.0.0.0/0'))).toMatchObject({ verdict: 'violation' });
    expect(await verdictOf(open('10.0.0.0/8'))).toMatchObject({ verdict: 'allow' });
    const ipv6 = withParameters('aws.exfiltration.ec2-security-group-open-port-22-ingress', { groupId: 'sg-1', ipPermissions: { items: [{ ipProtocol: 'tcp', ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } }] } });
    expect(await verdictOf(ipv6)).toMatchObject({ verdict: 'violation' });
  });

  it('single out console sign-in without MFA, small instances and plain parameter reads as harmless', async () => {
    const signIn = (mfa: string) => ({ ...callOf('aws.initial-access.console-login-without-mfa'), additionalEventData: { MFAUsed: mfa, LoginTo: 'https://console.aws.amazon.com/', MobileVersion: 'No' } });
    expect(await verdictOf(signIn('No'))).toMatchObject({ verdict: 'violation', rule: 'no-console-sign-in-without-mfa' });
    expect(await verdictOf(signIn('Yes'))).toMatchObject({ verdict: 'allow' });
    expect(await verdictOf(withParameters('aws.execution.ec2-launch-unusual-instances', { instanceType: 't3.micro' }))).toMatchObject({ verdict: 'allow' });
    expect(await verdictOf(withParameters('aws.execution.ec2-launch-unusual-instances', { instanceType: 'g5.48xlarge' }))).toMatchObject({ verdict: 'violation' });
    expect(await verdictOf(withParameters('aws.credential-access.ssm-retrieve-securestring-parameters', { names: ['/app/name'], withDecryption: false }))).toMatchObject({ verdict: 'allow' });
    expect(await verdictOf(withParameters('aws.defense-evasion.cloudtrail-lifecycle-rule', { bucketName: 'b', LifecycleConfiguration: { Rule: [{ ID: 'archive', Expiration: { Days: 365 } }] } }))).toMatchObject({ verdict: 'allow' });
  });

  it('are validated at load: a path outside the record sections is a clear error', async () => {
    const text = `mode: monitor
agents: {}
rules:
  - id: r
    description: d
    match:
      actions: ["ec2:RunInstances"]
      parameters:
        - path: userIdentity.arn
    response: notify
`;
    const error = await compilePolicyText(text, 'p.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toMatch(/p\.yaml:9:\d+ rules\[0\]\.match\.parameters\[0\]\.path: must be a dotted path under requestParameters/);
  });
});
