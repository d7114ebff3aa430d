import { actionOf } from '../cloudtrail/action-names.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';

/**
 * Calls outside IAM that would stop the guardrail without touching its roles: throttling or unhooking its
 * functions, its bus and forwarding rules, removing its stack instances or its delegated administrator, and
 * the policies of its key and queues. The standing SCP denies them (infra/standing-scp.ts); watching them
 * as tampering is what shows an attempt, and what still catches one where no SCP applies (the management
 * account). Resources are recognised by the names the guardrail gives them (infra/names.ts): this is
 * detection, not protection, so a lookalike name only raises a finding. Leaving the organization is left to
 * the standing SCP (denied to everyone) and the policy's own rule for agents.
 */

const NAME_PREFIX = 'AgentGuardrail-';
const BUS = 'agent-guardrail';
const KEY_ALIAS = 'alias/agent-guardrail';
/** The member StackSet's instances are stacks named `StackSet-<set name>-<id>` (CloudFormation's convention). */
const STACK_SET = 'AgentGuardrail-Member';
/** StackSets acts in member accounts as this service principal once trusted access is on. */
const STACKSETS_SERVICE = 'member.org.stacksets.cloudformation.amazonaws.com';

type Request = Record<string, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const lastSegment = (value: string, separator: string) => value.slice(value.lastIndexOf(separator) + 1);

/** A Lambda function named by name, ARN or partial ARN, with or without a qualifier. */
function functionName(request: Request): string | null {
  const name = text(request.functionName);
  if (!name) return null;
  const match = /(?:^|function:)([A-Za-z0-9_.-]+)(?::[^:]*)?$/.exec(name);
  return match ? match[1]! : name;
}

function guardrailFunction(request: Request): string | null {
  const name = functionName(request);
  return name?.startsWith(NAME_PREFIX) ? `function ${name}` : null;
}

function guardrailRuleOrBus(request: Request): string | null {
  const bus = text(request.eventBusName);
  if (bus && lastSegment(bus, '/') === BUS) return `event bus ${BUS}`;
  const rule = text(request.name) ?? text(request.rule);
  return rule && lastSegment(rule, '/').startsWith(NAME_PREFIX) ? `rule ${lastSegment(rule, '/')}` : null;
}

function guardrailBus(request: Request): string | null {
  const bus = text(request.eventBusName) ?? text(request.name);
  return bus && lastSegment(bus, '/') === BUS ? `event bus ${BUS}` : null;
}

function guardrailStackSet(request: Request): string | null {
  const name = text(request.stackSetName);
  return name && lastSegment(name.split(':')[0]!, '/') === STACK_SET ? `stack set ${STACK_SET}` : null;
}

function guardrailStack(request: Request): string | null {
  const name = text(request.stackName);
  if (!name) return null;
  // A stack ARN is arn:...:stack/NAME/ID; a name is bare.
  const bare = name.startsWith('arn:') ? (name.split('/')[1] ?? '') : name;
  return bare.startsWith(`StackSet-${STACK_SET}-`) || bare.startsWith(NAME_PREFIX) ? `stack ${bare}` : null;
}

function guardrailAlias(request: Request): string | null {
  return text(request.aliasName) === KEY_ALIAS ? `key alias ${KEY_ALIAS}` : null;
}

function guardrailQueue(request: Request): string | null {
  const url = text(request.queueUrl);
  return url && lastSegment(url, '/').startsWith(NAME_PREFIX) ? `queue ${lastSegment(url, '/')}` : null;
}

function guardrailSchedule(request: Request): string | null {
  const name = text(request.name);
  return name?.startsWith(NAME_PREFIX) ? `schedule ${name}` : null;
}

function stackSetsAccess(request: Request): string | null {
  return text(request.servicePrincipal) === STACKSETS_SERVICE ? `StackSets' access (${STACKSETS_SERVICE})` : null;
}

/** IAM action → what of the guardrail's it touches, given the call's request parameters (null: not ours). */
const STOPPERS: Readonly<Record<string, (request: Request) => string | null>> = {
  // docs: lambda/latest/dg/logging-using-cloudtrail.html (event names carry the API version, actionOf strips it)
  'lambda:PutFunctionConcurrency': guardrailFunction,
  'lambda:DeleteFunctionConcurrency': guardrailFunction,
  'lambda:PutFunctionEventInvokeConfig': guardrailFunction,
  'lambda:UpdateFunctionEventInvokeConfig': guardrailFunction,
  'lambda:DeleteFunctionEventInvokeConfig': guardrailFunction,
  'lambda:RemovePermission': guardrailFunction,
  'lambda:AddPermission': guardrailFunction,
  'lambda:DeleteFunction': guardrailFunction,
  'lambda:UpdateFunctionCode': guardrailFunction,
  'lambda:UpdateFunctionConfiguration': guardrailFunction,
  'events:DisableRule': guardrailRuleOrBus,
  'events:DeleteRule': guardrailRuleOrBus,
  'events:PutRule': guardrailRuleOrBus,
  'events:RemoveTargets': guardrailRuleOrBus,
  'events:PutTargets': guardrailRuleOrBus,
  'events:RemovePermission': guardrailBus,
  'events:PutPermission': guardrailBus,
  'events:DeleteEventBus': guardrailBus,
  'cloudformation:DeleteStackInstances': guardrailStackSet,
  'cloudformation:UpdateStackInstances': guardrailStackSet,
  'cloudformation:UpdateStackSet': guardrailStackSet,
  'cloudformation:DeleteStackSet': guardrailStackSet,
  'cloudformation:DeleteStack': guardrailStack,
  'cloudformation:UpdateStack': guardrailStack,
  // A change set is how a stack is changed without UpdateStack: its execution runs as the stack's deployer
  // role, so the change set's author is who must be a deployment.
  'cloudformation:CreateChangeSet': guardrailStack,
  'cloudformation:ExecuteChangeSet': guardrailStack,
  'organizations:DeregisterDelegatedAdministrator': stackSetsAccess,
  'organizations:DisableAWSServiceAccess': stackSetsAccess,
  'kms:DeleteAlias': guardrailAlias,
  'kms:UpdateAlias': guardrailAlias,
  // The heartbeat's schedule (its absence also raises AgentGuardrail-HeartbeatStopped).
  'scheduler:DeleteSchedule': guardrailSchedule,
  'scheduler:UpdateSchedule': guardrailSchedule,
  'sqs:SetQueueAttributes': guardrailQueue,
  'sqs:DeleteQueue': guardrailQueue,
  'sqs:PurgeQueue': guardrailQueue,
  'sqs:AddPermission': guardrailQueue,
  'sqs:RemovePermission': guardrailQueue,
};

/** The IAM actions watched here, for the event patterns (compile-event-patterns.ts). */
export const GUARDRAIL_STOPPER_ACTIONS: readonly string[] = Object.keys(STOPPERS);

/**
 * Why a call outside IAM would stop or unhook the guardrail, or null.
 * @example stopperReason(putFunctionConcurrencyRecord) // 'lambda:PutFunctionConcurrency on the guardrail's function AgentGuardrail-Guard'
 */
export function stopperReason(record: CloudTrailRecord): string | null {
  const action = actionOf(record.eventSource, record.eventName);
  const touched = STOPPERS[action]?.(record.requestParameters ?? {});
  return touched ? `${action} on the guardrail's ${touched}` : null;
}
