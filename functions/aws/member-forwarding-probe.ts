import type { STSClient } from '@aws-sdk/client-sts';
import type { MemberObservation, ObservedRule } from '../core/heartbeat/forwarding-check.ts';
import { FORWARD_DEAD_LETTERS, HEARTBEAT_READ_ACTIONS } from '../heartbeat/heartbeat-names.ts';
import { RETRY } from './clients.ts';

/**
 * The heartbeat's session of a responder role can only read the forwarding rules: a session policy caps
 * the session at the intersection of the role's permissions and this document, so a heartbeat that can
 * assume the responder never holds its IAM writes.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 */
export const HEARTBEAT_SESSION_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: [...HEARTBEAT_READ_ACTIONS], Resource: '*' }],
});

export interface ProbeTarget {
  readonly account: string;
  readonly regions: readonly string[];
  readonly responderRoleArn: string;
  readonly ruleNames: readonly string[];
  readonly partition: string;
}

const errorText = (error: unknown) => (error as { name?: string }).name ?? (error as Error).message ?? String(error);

/** Reads one account's forwarding rules in every member region through its responder role. */
export async function probeMember(sts: STSClient, target: ProbeTarget): Promise<MemberObservation[]> {
  const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  let credentials;
  try {
    const response = await sts.send(
      new AssumeRoleCommand({ RoleArn: target.responderRoleArn, RoleSessionName: 'agent-guardrail-heartbeat', DurationSeconds: 900, Policy: HEARTBEAT_SESSION_POLICY }),
    );
    const c = response.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('no credentials returned');
    credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } catch (error) {
    return target.regions.map((region) => ({ account: target.account, region, reached: false, reason: errorText(error) }));
  }
  const [events, sqs] = await Promise.all([import('@aws-sdk/client-eventbridge'), import('@aws-sdk/client-sqs')]);
  return Promise.all(
    target.regions.map(async (region): Promise<MemberObservation> => {
      const client = new events.EventBridgeClient({ ...RETRY, region, credentials });
      // The client's own regional endpoint, not the queue URL's host (the same in AWS; a configured endpoint wins).
      const queues = new sqs.SQSClient({ ...RETRY, region, credentials, useQueueUrlAsEndpoint: false });
      try {
        // One listing for every rule's state, then each existing rule's targets at once, beside the dead-letter
        // queue's depth: a few round trips per region whatever the number of rules.
        const [states, deadLetters] = await Promise.all([ruleStates(client, events, commonPrefix(target.ruleNames)), deadLetterDepth(queues, sqs, target, region)]);
        const rules = await Promise.all(target.ruleNames.map((name) => (states.has(name) ? readTargets(client, events, name, states.get(name)!) : null)));
        return { account: target.account, region, reached: true, rules, deadLetters };
      } catch (error) {
        return { account: target.account, region, reached: false, reason: errorText(error) };
      } finally {
        client.destroy();
        queues.destroy();
      }
    }),
  );
}

/** The member dead-letter queue's depth; a queue that cannot be read is reported, not taken as empty. */
async function deadLetterDepth(queues: import('@aws-sdk/client-sqs').SQSClient, sqs: typeof import('@aws-sdk/client-sqs'), target: ProbeTarget, region: string): Promise<number | { unreadable: string }> {
  const domain = target.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  try {
    const { Attributes } = await queues.send(
      new sqs.GetQueueAttributesCommand({ QueueUrl: `https://sqs.${region}.${domain}/${target.account}/${FORWARD_DEAD_LETTERS}`, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const depth = Number(Attributes?.ApproximateNumberOfMessages);
    return Number.isFinite(depth) ? depth : { unreadable: 'no ApproximateNumberOfMessages returned' };
  } catch (error) {
    return { unreadable: errorText(error) };
  }
}

type EventBridge = typeof import('@aws-sdk/client-eventbridge');
type Client = import('@aws-sdk/client-eventbridge').EventBridgeClient;

function commonPrefix(names: readonly string[]): string {
  let prefix = names[0] ?? '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Every rule on the default bus whose name starts with the prefix, and its state (ListRules pages by 100). */
async function ruleStates(client: Client, events: EventBridge, prefix: string): Promise<Map<string, string | null>> {
  const states = new Map<string, string | null>();
  let token: string | undefined;
  do {
    const page = await client.send(new events.ListRulesCommand({ NamePrefix: prefix || undefined, NextToken: token }));
    for (const rule of page.Rules ?? []) if (rule.Name) states.set(rule.Name, rule.State ?? null);
    token = page.NextToken;
  } while (token);
  return states;
}

async function readTargets(client: Client, events: EventBridge, name: string, state: string | null): Promise<ObservedRule | null> {
  try {
    const targets = await client.send(new events.ListTargetsByRuleCommand({ Rule: name }));
    return { name, state, targetArns: (targets.Targets ?? []).map((t) => t.Arn ?? '') };
  } catch (error) {
    // Deleted between the listing and this read.
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return null;
    throw error;
  }
}
