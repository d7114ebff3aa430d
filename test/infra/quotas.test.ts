import { App } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { describe, expect, inject, it } from 'vitest';
import { quotaSubjectsOf, QuotaError, assertWithinQuotas } from '../../infra/quotas/assembly-quotas.ts';
import { formatQuotaViolation, measureQuotas, quotaViolations, type QuotaSubject, type SynthesizedTemplate } from '../../infra/quotas/check-quotas.ts';
import { deployedBound } from '../../infra/quotas/deployed-size.ts';
import { QUOTAS, type QuotaId } from '../../infra/quotas/quota-table.ts';
import { ManagementAccountStack } from '../../infra/stacks/management-account-stack.ts';
import { resolve, type Template } from '../twin/templates.ts';

// The synthesized app of the shipped cdk.json, in enforce mode (test/twin/synth-setup.ts).
const assembly = () => new CloudAssembly(inject('twinCdkOut'));
const subject = (template: SynthesizedTemplate, extra: Partial<QuotaSubject> = {}): QuotaSubject => ({
  name: 'Test',
  template,
  body: JSON.stringify(template),
  inlinedInStackSet: false,
  ...extra,
});

describe('the synthesized templates against AWS quotas', () => {
  it('the shipped configuration breaks no quota, and every template, the StackSet body included, is measured', () => {
    const subjects = quotaSubjectsOf(assembly());
    expect(subjects.map((s) => s.name)).toEqual(expect.arrayContaining(['AgentGuardrail-Security', 'AgentGuardrail-Member', 'AgentGuardrail-Management']));
    const stackSet = subjects.find((s) => s.inlinedInStackSet)!;
    expect(stackSet.name).toMatch(/^AgentGuardrail-Security\//);
    const measures = measureQuotas(subjects);
    expect(measures.filter((m) => m.figure > QUOTAS[m.quota].limit).map(formatQuotaViolation)).toEqual([]);
    // Every quota the templates can reach is measured on them (the wildcard count and managed policies are
    // measured too, at zero: the stack writes neither).
    const measured = new Set(measures.map((m) => m.quota));
    const reachable: QuotaId[] = [
      'sqsPolicyBytes', 'sqsPolicyStatements', 'snsPolicyBytes', 'snsPolicyStatements', 'kmsKeyPolicyBytes', 'eventBusPolicyCharacters',
      'eventPatternCharacters', 'rulesPerBus', 'wildcardRulesPerBus', 'targetsPerRule', 'roleInlinePolicyCharacters', 'trustPolicyCharacters',
      'managedPoliciesPerRole', 'scpCharacters', 'scpsPerTarget', 'lambdaEnvironmentBytes', 'reservedConcurrency', 'templateResources',
      'templateOutputs', 'templateParameters', 'templateBodyFromS3', 'stackSetTemplateBody',
    ];
    for (const quota of reachable) expect(measured, quota).toContain(quota);
    // The StackSet body is checked against the request's 51,200 bytes, not S3's larger figure.
    expect(measures.find((m) => m.subject === stackSet.name && m.quota === 'stackSetTemplateBody')!.figure).toBe(Buffer.byteLength(stackSet.body));
  });

  it('every size measured is at least what the twin resolves it to in the longest-named partition and Region', () => {
    // The upper bound must hold when deployed: compare with the twin's resolution of the same documents.
    const at = { account: '123456789012', region: 'ap-southeast-2', partition: 'aws-us-gov' };
    let compared = 0;
    for (const s of quotaSubjectsOf(assembly())) {
      for (const resource of Object.values(s.template.Resources)) {
        const p = resource.Properties ?? {};
        for (const key of ['PolicyDocument', 'AssumeRolePolicyDocument', 'KeyPolicy', 'EventPattern']) {
          if (!(key in p)) continue;
          let resolved: unknown;
          try {
            resolved = resolve(s.template as unknown as Template, p[key], at);
          } catch {
            continue; // an attribute the twin does not model
          }
          expect(JSON.stringify(deployedBound(p[key], s.template)).length).toBeGreaterThanOrEqual(JSON.stringify(resolved).length);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('a queue policy with a statement per rule fails, naming the resource, its figure, the limit and the source', () => {
    const statement = (i: number) => ({ Sid: `Rule${i}`, Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [`Rule${i}`, 'Arn'] } } } });
    const template: SynthesizedTemplate = {
      Resources: {
        Dlq: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'AgentGuardrail-ForwardDeadLetters' } },
        DlqPolicy: { Type: 'AWS::SQS::QueuePolicy', Properties: { Queues: [{ Ref: 'Dlq' }], PolicyDocument: { Version: '2012-10-17', Statement: Array.from({ length: 29 }, (_, i) => statement(i)) } } },
      },
    };
    const lines = quotaViolations([subject(template)]).map(formatQuotaViolation);
    expect(lines).toHaveLength(2);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^Test: DlqPolicy: SQS queue policy size is [\d,]+ bytes; the limit is 8,192 \(https:\/\/docs\.aws\.amazon\.com\/AWSSimpleQueueService\/latest\/SQSDeveloperGuide\/quotas-policies\.html\)$/),
      'Test: DlqPolicy: SQS queue policy statements is 29 statements; the limit is 20 (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-policies.html)',
    ]));
  });

  it('aggregates what AWS aggregates: a role\'s inline policies, a bus\'s policy statements, the rules of one bus, concurrency', () => {
    const big = (n: number) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(n)}/*` }] });
    const template: SynthesizedTemplate = {
      Resources: {
        Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: {}, Policies: [{ PolicyName: 'A', PolicyDocument: big(6_000) }] } },
        Extra: { Type: 'AWS::IAM::Policy', Properties: { Roles: [{ Ref: 'Role' }], PolicyDocument: big(6_000) } },
        Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: 'central' } },
        ...Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`BusPolicy${i}`, { Type: 'AWS::Events::EventBusPolicy', Properties: { EventBusName: { Ref: 'Bus' }, StatementId: `S${i}`, Statement: { Sid: `S${i}`, Effect: 'Allow', Principal: '*', Action: 'events:PutEvents', Resource: 'x'.repeat(3_500) } } }])),
        ...Object.fromEntries(Array.from({ length: 301 }, (_, i) => [`Rule${i}`, { Type: 'AWS::Events::Rule', Properties: { EventBusName: 'default', EventPattern: { source: ['aws.iam'] }, Targets: [] } }])),
        F1: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 600 } },
        F2: { Type: 'AWS::Lambda::Function', Properties: { ReservedConcurrentExecutions: 400 } },
      },
    };
    const broken = quotaViolations([subject(template)]).map((m) => [m.quota, m.resource]);
    expect(broken).toEqual(
      expect.arrayContaining([
        ['roleInlinePolicyCharacters', 'Role'],
        ['eventBusPolicyCharacters', 'event bus central'],
        ['rulesPerBus', 'event bus default'],
        ['reservedConcurrency', 'functions'],
      ]),
    );
    expect(broken).toHaveLength(4);
    // The same 301 rules in a Region that allows 100 a bus.
    expect(quotaViolations([subject(template, { regions: ['eu-south-1'] })]).find((m) => m.quota === 'rulesPerBusSmallRegions')?.figure).toBe(301);
  });

  it('counts the SCPs a target already holds beside the guardrail\'s, and fails the synth with the fix', () => {
    const scp = (i: number) => ({ name: `AgentGuardrail-Prevent-${i}`, document: { Version: '2012-10-17' as const, Statement: [{ Sid: `S${i}`, Effect: 'Deny' as const, Action: 'iam:PutRolePolicy', Resource: '*' }] } });
    const synth = (count: number, targets: string[]) => {
      const app = new App();
      new ManagementAccountStack(app, 'Management', {
        env: { account: '999999999999', region: 'us-east-1' },
        securityAccount: '111111111111',
        deploymentOrganizationalUnits: ['ou-abcd-11111111'],
        operatorPrincipals: ['arn:aws:iam::111111111111:role/SecurityOperator'],
        preventiveScps: Array.from({ length: count }, (_, i) => scp(i + 1)),
        preventionTargets: targets,
      });
      return app.synth();
    };
    // Three preventive SCPs and the standing SCP beside FullAWSAccess make 5: they fit.
    expect(() => assertWithinQuotas(synth(3, ['ou-abcd-11111111']))).not.toThrow();
    // A Control Tower OU that already holds two (FullAWSAccess and a guardrail of its own) does not have room.
    const crowded = { otherScpsPerTarget: { default: 1, byTarget: { 'ou-abcd-11111111': 2 } } };
    expect(() => assertWithinQuotas(synth(3, ['ou-abcd-11111111']), crowded)).toThrow(QuotaError);
    expect(() => assertWithinQuotas(synth(3, ['ou-abcd-11111111']), crowded)).toThrow(
      /organization: target ou-abcd-11111111: service control policies attached to one root, OU or account .* is 6 policies; the limit is 5 \(https:\/\/docs\.aws\.amazon\.com\/organizations\/latest\/userguide\/orgs_reference_limits\.html\); attach prevention elsewhere/,
    );
    // Prevention attached to the root instead: each target holds what fits.
    expect(() => assertWithinQuotas(synth(4, ['r-abcd']), crowded)).not.toThrow();
  });

  it('bounds every intrinsic by the longest value it can take', () => {
    const template: SynthesizedTemplate = { Resources: { Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } } }, Parameters: { P: { Default: 'abc' } } };
    expect(deployedBound({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sqs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }]] }, template)).toBe(`arn:${'p'.repeat(10)}:sqs:${'r'.repeat(14)}:${'0'.repeat(12)}`);
    expect(deployedBound({ 'Fn::Sub': 'x-${AWS::AccountId}-${P}' }, template)).toBe(`x-${'0'.repeat(12)}-abc`);
    expect(deployedBound({ 'Fn::If': ['C', 'short', 'the longer branch'] }, template)).toBe('the longer branch');
    expect(deployedBound({ A: { Ref: 'AWS::NoValue' }, B: 1 }, template)).toEqual({ B: 1 });
    expect(String(deployedBound({ Ref: 'Q' }, template)).endsWith('q')).toBe(true);
  });
});
