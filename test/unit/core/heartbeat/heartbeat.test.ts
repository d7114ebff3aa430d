import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { runHeartbeat } from '../../../../functions/core/heartbeat/run-heartbeat.ts';
import { HEARTBEAT_SESSION_POLICY, probeMember } from '../../../../functions/aws/member-forwarding-probe.ts';

const expected = { ruleNames: ['AgentGuardrail-Forward-iam'], busArn: 'arn:aws:events:us-east-1:111111111111:event-bus/agent-guardrail' };

describe('runHeartbeat', () => {
  it('counts an account silent when its probe throws, never dropping it, and checks the rest', async () => {
    const result = await runHeartbeat(
      {
        accounts: async () => ['333333333333', '222222222222'],
        probe: async (account) => {
          if (account === '333333333333') throw new Error('socket hang up');
          return [{ account, region: 'us-east-1', reached: true, rules: [{ name: 'AgentGuardrail-Forward-iam', state: 'ENABLED', targetArns: [expected.busArn] }], deadLetters: 0 }];
        },
      },
      expected,
    );
    expect(result.accounts).toEqual(['222222222222', '333333333333']);
    expect(result.silent).toEqual([
      // ENABLED alone never receives AssumeRole (read-only): silent for sessions.
      { account: '222222222222', problems: ['us-east-1: rule AgentGuardrail-Forward-iam is ENABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'] },
      { account: '333333333333', problems: ['probe failed: socket hang up'] },
    ]);
  });

  it('checks every account of a large organization with bounded concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const accounts = Array.from({ length: 100 }, (_, i) => String(100000000000 + i));
    const result = await runHeartbeat(
      {
        accounts: async () => accounts,
        probe: async (account) => {
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
          return [{ account, region: 'us-east-1', reached: true, rules: [{ name: 'AgentGuardrail-Forward-iam', state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', targetArns: [expected.busArn] }], deadLetters: 0 }];
        },
      },
      expected,
    );
    expect(result.accounts).toHaveLength(100);
    expect(result.silent).toEqual([]);
    expect(most).toBeLessThanOrEqual(8);
  });
});

describe('forwardingProblems: lost forwards', () => {
  it('names the events waiting in the member dead-letter queue, and a queue that cannot be read', async () => {
    const { forwardingProblems } = await import('../../../../functions/core/heartbeat/forwarding-check.ts');
    const rules = [{ name: 'AgentGuardrail-Forward-iam', state: 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', targetArns: [expected.busArn] }];
    const at = { account: '555555555555', region: 'eu-north-1', reached: true as const, rules };
    expect(forwardingProblems({ ...at, deadLetters: 0 }, expected)).toEqual([]);
    expect(forwardingProblems({ ...at, deadLetters: 3 }, expected)).toEqual(['3 events in AgentGuardrail-ForwardDeadLetters never reached the guardrail: contain by hand if needed, then redrive']);
    expect(forwardingProblems({ ...at, deadLetters: { unreadable: 'QueueDoesNotExist' } }, expected)).toEqual(['AgentGuardrail-ForwardDeadLetters cannot be read: QueueDoesNotExist']);
  });
});

describe('probeMember', () => {
  it('reports every region unreachable, with the reason, when the responder role cannot be assumed', async () => {
    const sts = mockClient(STSClient);
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }));
    const observations = await probeMember(new STSClient({ region: 'us-east-1' }), {
      account: '444444444444', regions: ['us-east-1', 'eu-west-1'], responderRoleArn: 'arn:aws:iam::444444444444:role/AgentGuardrailResponder', ruleNames: expected.ruleNames, partition: 'aws',
    });
    expect(observations).toEqual([
      { account: '444444444444', region: 'us-east-1', reached: false, reason: 'AccessDenied' },
      { account: '444444444444', region: 'eu-west-1', reached: false, reason: 'AccessDenied' },
    ]);
    // The session asked for is read-only, whatever the responder may do.
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.Policy).toBe(HEARTBEAT_SESSION_POLICY);
    sts.restore();
  });
});

describe('readHeartbeatConfig', () => {
  it('names each missing or bad variable', async () => {
    const { readHeartbeatConfig } = await import('../../../../functions/heartbeat/heartbeat-config.ts');
    expect(() => readHeartbeatConfig({ CENTRAL_BUS_ARN: 'not-an-arn', FORWARD_RULE_NAMES: 'AgentGuardrail-Forward-iam', MEMBER_REGIONS: 'us-east-1', DEPLOYMENT_TARGETS: 'ou-nope', MANAGEMENT_ACCOUNT: '123' })).toThrow(
      /invalid environment: CENTRAL_BUS_ARN: must be an event bus ARN; DEPLOYMENT_TARGETS: each must be a root or OU id; MANAGEMENT_ACCOUNT: must be an account id/,
    );
    expect(readHeartbeatConfig({ CENTRAL_BUS_ARN: expected.busArn, FORWARD_RULE_NAMES: 'a, b', MEMBER_REGIONS: 'us-east-1,eu-west-1', DEPLOYMENT_TARGETS: 'r-abcd', MANAGEMENT_ACCOUNT: '999999999999' })).toMatchObject({
      FORWARD_RULE_NAMES: ['a', 'b'], MEMBER_REGIONS: ['us-east-1', 'eu-west-1'], RESPONDER_ROLE_NAME: 'AgentGuardrailResponder', PARTITION: 'aws',
    });
  });
});
