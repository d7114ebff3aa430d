import { describe, expect, it } from 'vitest';
import { stopperReason } from '../../../../functions/core/detect/guardrail-stoppers.ts';
import { roleSessionRecord, valid } from '../../../helpers/records.ts';

const call = (eventSource: string, eventName: string, requestParameters: Record<string, unknown>) =>
  valid(roleSessionRecord({ eventSource, eventName, requestParameters }));

describe('stopperReason', () => {
  it.each([
    ['a function by name', call('lambda.amazonaws.com', 'PutFunctionConcurrency20171031', { functionName: 'AgentGuardrail-Guard' }), 'function AgentGuardrail-Guard'],
    ['a function by ARN with a qualifier', call('lambda.amazonaws.com', 'RemovePermission20150331v2', { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:AgentGuardrail-Override:live' }), 'function AgentGuardrail-Override'],
    ['a function by partial ARN', call('lambda.amazonaws.com', 'PutFunctionEventInvokeConfig', { functionName: '111122223333:function:AgentGuardrail-Guard' }), 'function AgentGuardrail-Guard'],
    ['the bus by ARN', call('events.amazonaws.com', 'RemovePermission', { statementId: 'x', eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/agent-guardrail' }), 'event bus agent-guardrail'],
    ['a forwarding rule', call('events.amazonaws.com', 'RemoveTargets', { rule: 'AgentGuardrail-Forward-iam', ids: ['1'] }), 'rule AgentGuardrail-Forward-iam'],
    ['a stack instance by ARN', call('cloudformation.amazonaws.com', 'DeleteStack', { stackName: 'arn:aws:cloudformation:us-east-1:111122223333:stack/StackSet-AgentGuardrail-Member-0a1b/9c8d' }), 'stack StackSet-AgentGuardrail-Member-0a1b'],
    ['the key alias', call('kms.amazonaws.com', 'UpdateAlias', { aliasName: 'alias/agent-guardrail', targetKeyId: 'k' }), 'key alias alias/agent-guardrail'],
    ['the heartbeat schedule', call('scheduler.amazonaws.com', 'DeleteSchedule', { name: 'AgentGuardrail-Heartbeat', groupName: 'default' }), 'schedule AgentGuardrail-Heartbeat'],
    ['a queue', call('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/AgentGuardrail-ForwardDeadLetters' }), 'queue AgentGuardrail-ForwardDeadLetters'],
  ])('names %s', (_what, record, touched) => {
    expect(stopperReason(record)).toBe(`${record.eventSource.split('.')[0]}:${record.eventName.replace(/\d{8}(v\d+)?$/, '')} on the guardrail's ${touched}`);
  });

  it.each([
    ['another function', call('lambda.amazonaws.com', 'PutFunctionConcurrency20171031', { functionName: 'billing-AgentGuardrail-Guard' })],
    ['a rule on another bus', call('events.amazonaws.com', 'DisableRule', { name: 'nightly', eventBusName: 'default' })],
    ['another stack set', call('cloudformation.amazonaws.com', 'DeleteStackInstances', { stackSetName: 'Baseline' })],
    ['another service\'s delegated administrator', call('organizations.amazonaws.com', 'DeregisterDelegatedAdministrator', { accountId: '444455556666', servicePrincipal: 'guardduty.amazonaws.com' })],
    ['another alias', call('kms.amazonaws.com', 'DeleteAlias', { aliasName: 'alias/agent-guardrail-old' })],
    ['a call not watched', call('lambda.amazonaws.com', 'GetFunction20150331v2', { functionName: 'AgentGuardrail-Guard' })],
    ['a call without parameters', call('lambda.amazonaws.com', 'PutFunctionConcurrency20171031', {})],
  ])('leaves %s alone', (_what, record) => {
    expect(stopperReason(record)).toBeNull();
  });
});
