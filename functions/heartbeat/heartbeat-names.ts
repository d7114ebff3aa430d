// What the heartbeat and the stacks that deploy and watch it must agree on.
/** Metric names the heartbeat publishes and the stack's alarms read (infra/constructs/heartbeat.ts). */
export const HEARTBEAT_METRICS = { namespace: 'AgentGuardrail', service: 'heartbeat', silent: 'ForwardingSilent', completed: 'HeartbeatCompleted' } as const;

/**
 * What the heartbeat reads in a member account: the rules' names and states (ListRules has no resource-level
 * permission, so it is granted on *), and each forwarding rule's targets (granted on those rules only).
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 */
export const HEARTBEAT_READS = { rules: 'events:ListRules', targets: 'events:ListTargetsByRule', deadLetters: 'sqs:GetQueueAttributes' } as const;
export const HEARTBEAT_READ_ACTIONS = [HEARTBEAT_READS.rules, HEARTBEAT_READS.targets, HEARTBEAT_READS.deadLetters] as const;

/**
 * The member stack's dead-letter queue: what EventBridge could not forward after its retries. The heartbeat
 * reads its depth (ApproximateNumberOfMessages) in every account and region, so lost forwards page someone.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html
 */
export const FORWARD_DEAD_LETTERS = 'AgentGuardrail-ForwardDeadLetters';
