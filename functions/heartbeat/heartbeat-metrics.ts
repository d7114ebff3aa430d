/** Metric names the heartbeat publishes and the stack's alarms read (infra/constructs/heartbeat.ts). */
export const HEARTBEAT_METRICS = { namespace: 'AgentGuardrail', service: 'heartbeat', silent: 'ForwardingSilent', completed: 'HeartbeatCompleted' } as const;

/** What the heartbeat reads in a member account: the responder grants these on the forwarding rules only. */
export const HEARTBEAT_READ_ACTIONS = ['events:DescribeRule', 'events:ListTargetsByRule'] as const;
