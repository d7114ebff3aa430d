import { nagPartition } from '../nag-partition.ts';
import { App, BootstraplessSynthesizer, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { ArnPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyBundle } from '../../functions/config/runtime-policy.ts';
import type { EventRulePattern } from '../../functions/core/policy/compile-event-patterns.ts';
import type { DeploymentConfig } from '../config.ts';
import { CentralBus } from '../constructs/central-bus.ts';
import { GuardrailDashboard } from '../constructs/dashboard.ts';
import { GuardRules } from '../constructs/guard.ts';
import { GuardrailFunction } from '../constructs/guardrail-function.ts';
import { Heartbeat } from '../constructs/heartbeat.ts';
import { Notifications } from '../constructs/notifications.ts';
import { StateTable } from '../constructs/state-table.ts';
import { NAMES } from '../names.ts';
import { MemberAccountStack } from './member-account-stack.ts';

export interface SecurityAccountStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly policyBundle: PolicyBundle;
  readonly patterns: readonly EventRulePattern[];
}

const entry = (path: string) => fileURLToPath(new URL(`../../functions/${path}`, import.meta.url));

/**
 * The security account: central bus, guard and override functions, state table, findings topic,
 * dashboard and alarms, and the StackSet that rolls the member stack out across the organization.
 */
export class SecurityAccountStack extends Stack {
  readonly guard: GuardrailFunction;
  readonly override: GuardrailFunction;
  readonly heartbeat: Heartbeat;

  constructor(scope: Construct, id: string, props: SecurityAccountStackProps) {
    super(scope, id, props);
    const { config } = props;
    const key = new Key(this, 'Key', { description: 'agent-guardrail state, findings and dead letters', enableKeyRotation: true, alias: NAMES.keyAlias });
    const bus = new CentralBus(this, 'CentralBus', {
      busName: NAMES.bus,
      organizationId: config.organizationId,
      forwarderRoleArnPattern: `arn:${this.partition}:iam::*:role/${NAMES.forwardRolePrefix}*`,
      archiveRetention: Duration.days(90),
    });
    const state = new StateTable(this, 'State', { key });
    const notifications = new Notifications(this, 'Notifications', { key, emails: config.notificationEmails, alarmNamePattern: 'AgentGuardrail-*' });

    // No list of accounts: the bus admits the organization by its id, so accounts that join later are
    // covered, and nothing grows with the organization (Lambda's environment is 4 KB in all).
    const environment = {
      STATE_TABLE: state.table.tableName,
      TOPIC_ARN: notifications.topic.topicArn,
      PARTITION: this.partition,
      RESPONDER_ROLE_NAME: NAMES.responderRole,
      SCP_ROLE_ARN: `arn:${this.partition}:iam::${config.managementAccount}:role/${NAMES.scpRole}`,
      RELEASE_GRACE_MINUTES: String(config.releaseGraceMinutes),
    };
    this.guard = new GuardrailFunction(this, 'Guard', {
      entry: entry('guard/handler.ts'),
      functionName: NAMES.guardFunction,
      roleName: NAMES.guardRole,
      environment,
      policyBundle: props.policyBundle,
      reservedConcurrency: config.guardReservedConcurrency,
    });
    this.override = new GuardrailFunction(this, 'Override', {
      entry: entry('override/handler.ts'),
      functionName: NAMES.overrideFunction,
      roleName: NAMES.overrideRole,
      environment,
      policyBundle: props.policyBundle,
      reservedConcurrency: config.overrideReservedConcurrency,
    });
    for (const fn of [this.guard, this.override]) {
      state.table.grantReadWriteData(fn.role);
      notifications.topic.grantPublish(fn.role);
      key.grant(fn.role, 'kms:Decrypt', 'kms:GenerateDataKey');
      fn.role.addToPolicy(
        new PolicyStatement({
          sid: 'AssumeResponderRoles',
          actions: ['sts:AssumeRole'],
          resources: [`arn:${this.partition}:iam::*:role/${NAMES.responderRole}`, environment.SCP_ROLE_ARN],
        }),
      );
    }
    // Only the named operators may invoke the override function.
    for (const [index, operator] of config.operatorPrincipals.entries()) {
      this.override.function.addPermission(`Operator${index}`, { principal: new ArnPrincipal(operator), action: 'lambda:InvokeFunction' });
    }

    const guardRules = new GuardRules(this, 'GuardRules', { bus: bus.bus, patterns: props.patterns, guard: this.guard, alarmTopic: notifications.topic });
    this.heartbeat = new Heartbeat(this, 'Heartbeat', {
      entry: entry('heartbeat/handler.ts'),
      functionName: NAMES.heartbeatFunction,
      roleName: NAMES.heartbeatRole,
      environment: {
        // Spelled out, not the bus's token, so it is the ARN the member rules target, letter for letter.
        CENTRAL_BUS_ARN: this.formatArn({ service: 'events', resource: 'event-bus', resourceName: NAMES.bus }),
        FORWARD_RULE_NAMES: props.patterns.map((p) => `${NAMES.forwardRulePrefix}${p.name}`).join(','),
        MEMBER_REGIONS: config.memberRegions.join(','),
        DEPLOYMENT_TARGETS: config.deploymentOrganizationalUnits.join(','),
        MANAGEMENT_ACCOUNT: config.managementAccount,
        RESPONDER_ROLE_NAME: NAMES.responderRole,
        PARTITION: this.partition,
      },
      policyBundle: props.policyBundle,
      responderRoleArns: `arn:${this.partition}:iam::*:role/${NAMES.responderRole}`,
      alarmTopic: notifications.topic,
      every: Duration.minutes(15),
    });
    new GuardrailDashboard(this, 'Dashboard', { alarms: [guardRules.deadLetterAlarm, guardRules.errorAlarm, this.heartbeat.silentAccountAlarm, this.heartbeat.stoppedAlarm] });

    // The member stack is synthesized on its own (no assets, no bootstrap) and deployed by a
    // service-managed StackSet from this account as delegated administrator, to every account and region.
    // Its own temporary output folder: the member template is inlined below, not deployed from cdk.out.
    const memberApp = new App({ outdir: mkdtempSync(join(tmpdir(), 'agent-guardrail-member-')) });
    const member = new MemberAccountStack(memberApp, 'Member', {
      securityAccount: config.securityAccount,
      homeRegion: config.region,
      patterns: props.patterns,
      synthesizer: new BootstraplessSynthesizer(),
    });
    const memberTemplate = memberApp.synth().getStackArtifact(member.artifactId).template as object;
    const templateBody = JSON.stringify(memberTemplate);
    assertTemplateBodyFits(templateBody);
    const stackSet = new CfnStackSet(this, 'MemberStackSet', {
      stackSetName: NAMES.memberStackSet,
      description: 'agent-guardrail: event forwarding and the responder role in every member account',
      permissionModel: 'SERVICE_MANAGED',
      callAs: 'DELEGATED_ADMIN',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { failureTolerancePercentage: 10, maxConcurrentPercentage: 25, regionConcurrencyType: 'PARALLEL' },
      stackInstancesGroup: [{ regions: config.memberRegions, deploymentTargets: { organizationalUnitIds: config.deploymentOrganizationalUnits } }],
      templateBody,
    });
    // The responder's trust policy names the function roles: IAM rejects a trust policy naming a role that
    // does not exist yet, so the stack instances wait for them.
    stackSet.node.addDependency(this.guard.role, this.override.role, this.heartbeat.function.role);

    acknowledgeFindings(this);
  }
}

/**
 * CloudFormation takes an inline TemplateBody of at most 51,200 bytes (CreateStackSet, UpdateStackSet);
 * a larger member template must be shipped by URL. Checked at synth so the deploy cannot fail on it.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

export function assertTemplateBodyFits(templateBody: string): void {
  const bytes = Buffer.byteLength(templateBody, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new Error(
      `the member template is ${bytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BODY_BYTES} inline. ` +
        'Watch fewer services in guardrail.yaml, or raise the event-pattern size so fewer forwarding rules are needed.',
    );
  }
}

/** cdk-nag findings that are deliberate, each with its reason. */
function acknowledgeFindings(stack: SecurityAccountStack): void {
  for (const fn of [stack.guard, stack.override, stack.heartbeat.function]) {
    Validations.of(fn.role).acknowledge(
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${nagPartition(stack)}:iam::*:role/AgentGuardrailResponder]`, reason: 'Contains principals in any member account: the responder role of every account, by name.' },
      { id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.function.logGroup.node.defaultChild as import('aws-cdk-lib').CfnElement)}.Arn>:*]`, reason: 'Log streams of the function\'s own log group.' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason: 'Granted by CDK for the guardrail key only (SNS topic and DynamoDB table encryption).' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'Granted by CDK for the guardrail key only (DynamoDB table encryption).' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray trace segments (xray:PutTraceSegments, PutTelemetryRecords) have no resource-level permissions.' },
    );
  }
}
