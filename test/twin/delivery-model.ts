import { createHash } from 'node:crypto';
import { CreateEventBusCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { DEFAULT_ENABLED_REGIONS } from '../../infra/config.ts';
import { authorize } from '../helpers/simulate.ts';
import { isCreated, resolve, resolveString, resourcesOfType, roleLogicalIdByName, rolePolicies, type CloudAssembly, type Placement, type Template } from './templates.ts';

/**
 * The twin's model of how AWS delivers one CloudTrail event from a member account to the guard, using the
 * synthesized templates' own resources. Pattern matching is moto's EventBridge TestEventPattern; the rest
 * is modelled here, each rule with the AWS page it comes from.
 */
export interface Organization {
  readonly id: string;
  readonly managementAccount: string;
  readonly securityAccount: string;
  readonly homeRegion: string;
  readonly partition: string;
}

export interface EventBridgeEvent {
  readonly source: string;
  readonly account: string;
  readonly region: string;
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown> & { eventSource: string; readOnly?: boolean; tlsDetails?: { clientProvidedHostName?: string }; awsRegion: string };
  readonly [key: string]: unknown;
}

/**
 * Where CloudTrail delivers an event to EventBridge.
 * - IAM, Organizations and CloudFront: us-east-1 only.
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-concepts.html#cloudtrail-concepts-global-service-events
 * - STS at its global endpoint (sts.amazonaws.com): served, and logged, in the caller's Region when that Region
 *   is enabled by default; from an opt-in Region, still us-east-1. A regional endpoint logs in its Region.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html#reference_sts_global_endpoint_changes
 * - Console sign-in: in the Region of the sign-in endpoint the record names (IAM users: us-east-2, eu-north-1,
 *   ap-southeast-2 or us-east-1; root: us-east-1).
 *   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
 */
const GLOBAL_EVENT_SOURCES = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com', 'cloudfront.amazonaws.com']);

export function emittedRegion(event: EventBridgeEvent): string {
  const { eventSource, tlsDetails, awsRegion } = event.detail;
  if (GLOBAL_EVENT_SOURCES.has(eventSource)) return 'us-east-1';
  if (eventSource === 'sts.amazonaws.com' && (tlsDetails?.clientProvidedHostName ?? 'sts.amazonaws.com') === 'sts.amazonaws.com') {
    return DEFAULT_ENABLED_REGIONS.includes(awsRegion) ? awsRegion : 'us-east-1';
  }
  return awsRegion;
}

/**
 * ENABLED rules receive every event except read-only management events delivered through CloudTrail
 * (the record's `readOnly: true`); those reach only rules in ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
export function stateReceives(state: unknown, event: EventBridgeEvent): boolean {
  if (state === 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS') return true;
  if (state === 'ENABLED' || state === undefined) return event.detail.readOnly !== true;
  return false;
}

/**
 * EventBridge's pattern matching is moto's: a scratch bus per pattern on the moto server with one rule,
 * an SQS queue as its target, the event put on the bus, and the queue read. (moto does not implement
 * TestEventPattern, but its rule matching runs on PutEvents.)
 */
const matchers = new Map<string, Promise<{ bus: string; queueUrl: string }>>();
let clients: { eventBridge: EventBridgeClient; sqs: SQSClient } | undefined;

async function scratchRule(pattern: string): Promise<{ bus: string; queueUrl: string }> {
  // Straight to moto with its own credentials, whatever the function under test is pointed at.
  const config = { region: 'us-east-1', endpoint: inject('motoEndpoint'), credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  clients ??= { eventBridge: new EventBridgeClient(config), sqs: new SQSClient(config) };
  const { eventBridge, sqs } = clients;
  const name = `twin-${createHash('sha256').update(pattern).digest('hex').slice(0, 16)}`;
  await eventBridge.send(new CreateEventBusCommand({ Name: name })).catch(() => undefined);
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await eventBridge.send(new PutRuleCommand({ Name: name, EventBusName: name, EventPattern: pattern, State: 'ENABLED' }));
  await eventBridge.send(new PutTargetsCommand({ Rule: name, EventBusName: name, Targets: [{ Id: 'queue', Arn: Attributes!.QueueArn! }] }));
  return { bus: name, queueUrl: QueueUrl! };
}

/** Exact-value lists of detail.eventSource: a pattern naming other sources cannot match (skips a round trip). */
function sourcesOf(pattern: unknown): readonly string[] | null {
  const list = (pattern as { detail?: { eventSource?: unknown } }).detail?.eventSource;
  return Array.isArray(list) && list.every((v) => typeof v === 'string') ? (list as string[]) : null;
}

export async function patternMatches(pattern: unknown, event: EventBridgeEvent): Promise<boolean> {
  const sources = sourcesOf(pattern);
  if (sources && !sources.includes(event.detail.eventSource)) return false;
  const text = JSON.stringify(pattern);
  if (!matchers.has(text)) matchers.set(text, scratchRule(text));
  const { bus, queueUrl } = await matchers.get(text)!;
  const { eventBridge, sqs } = clients!;
  const { FailedEntryCount } = await eventBridge.send(
    new PutEventsCommand({ Entries: [{ EventBusName: bus, Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }),
  );
  if (FailedEntryCount) throw new Error('moto refused the event');
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  for (const m of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
  return Messages.length > 0;
}

export interface MatchedRule {
  readonly name: string;
  readonly state: string;
  readonly targets: readonly { Arn: string; RoleArn?: string; DeadLetterConfig?: { Arn: string } }[];
}

/** The rules of a template on one bus that receive the event: pattern and state. */
export async function matchingRules(template: Template, at: Placement, bus: string | null, event: EventBridgeEvent): Promise<MatchedRule[]> {
  const matched: MatchedRule[] = [];
  for (const [, rule] of resourcesOfType(template, 'AWS::Events::Rule')) {
    const p = rule.Properties!;
    const ruleBus = p.EventBusName ? resolveString(template, p.EventBusName, at) : 'default';
    if (ruleBus !== (bus ?? 'default')) continue;
    if (!stateReceives(p.State, event) || !(await patternMatches(p.EventPattern, event))) continue;
    matched.push({ name: resolveString(template, p.Name, at), state: String(p.State), targets: resolve(template, p.Targets, at) as MatchedRule['targets'] });
  }
  return matched;
}

export type Delivery =
  | { readonly delivered: false; readonly region: string; readonly reason: string }
  | { readonly delivered: true; readonly region: string; readonly forwardingRules: readonly MatchedRule[]; readonly centralRules: readonly MatchedRule[]; readonly guardArn: string };

/**
 * The member template deployed to an account and region: the StackSet's instance (every account of the
 * targeted OUs, in the StackSet's regions), or for the management account (which a service-managed StackSet
 * never reaches) the plain stack of that region.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export function memberTemplateAt(assembly: CloudAssembly, org: Organization, account: string, region: string): Template | null {
  if (account === org.managementAccount) return assembly.stacks.get(`AgentGuardrail-ManagementMember-${region}`) ?? null;
  return assembly.memberStackSet.regions.includes(region) ? assembly.memberStackSet.template : null;
}

/** Follows one event from the account's default bus to the guard, or says where it stops. */
export async function deliver(assembly: CloudAssembly, org: Organization, event: EventBridgeEvent): Promise<Delivery> {
  const region = emittedRegion(event);
  const at: Placement = { account: event.account, region, partition: org.partition };
  const member = memberTemplateAt(assembly, org, event.account, region);
  if (!member) return { delivered: false, region, reason: `no member stack in ${event.account} ${region}` };
  const forwardingRules = await matchingRules(member, at, null, event);
  if (forwardingRules.length === 0) return { delivered: false, region, reason: 'no forwarding rule receives it' };

  const security = assembly.stacks.get('AgentGuardrail-Security')!;
  const home: Placement = { account: org.securityAccount, region: org.homeRegion, partition: org.partition };
  const busPolicy = resourcesOfType(security, 'AWS::Events::EventBusPolicy').map(([, r]) => resolve(security, r.Properties!.Statement, home));
  for (const rule of forwardingRules) {
    for (const target of rule.targets) {
      const decision = await forwardDecision(member, at, target, { Version: '2012-10-17', Statement: busPolicy }, org);
      if (decision !== 'Allowed') return { delivered: false, region, reason: `forwarding by ${rule.name} is ${decision}` };
    }
  }
  const centralRules = await matchingRules(security, home, 'agent-guardrail', event);
  if (centralRules.length === 0) return { delivered: false, region, reason: 'no central rule receives it' };
  return { delivered: true, region, forwardingRules, centralRules, guardArn: centralRules[0]!.targets[0]!.Arn };
}

/**
 * A cross-account PutEvents made by a rule target's role needs the role's identity policy and the bus's
 * resource policy to allow it. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 */
export async function forwardDecision(member: Template, at: Placement, target: MatchedRule['targets'][number], busPolicy: unknown, org: Organization): Promise<string> {
  if (!target.RoleArn) return 'NoRole';
  const roleName = target.RoleArn.split('/').at(-1)!;
  const roleId = roleLogicalIdByName(member, roleName, at);
  if (!roleId || !isCreated(member, member.Resources[roleId]!, at)) return 'RoleMissing';
  return authorize({
    principal: target.RoleArn,
    action: 'events:PutEvents',
    resource: target.Arn,
    resourceAccount: org.securityAccount,
    identityPolicies: rolePolicies(member, roleId, at),
    resourcePolicy: busPolicy,
    context: { 'aws:PrincipalOrgID': org.id, 'aws:PrincipalArn': target.RoleArn, 'aws:PrincipalAccount': at.account },
  });
}
