/**
 * Whether CloudTrail delivers an event to EventBridge as a read-only management event, which only rules in
 * state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS receive (every rule the stack creates has that state;
 * this is what `check` reports as a rule's read-only events).
 * AWS: "You may already be receiving read-only management events, if those events don't start with
 * Describe, Get, or List ... GetFederationToken, GetSessionToken [are] change events"; the STS AssumeRole
 * family is read-only and needs the rule state (the page's own example rule matches AssumeRole).
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
const READ_ONLY_VERBS = /^(Describe|Get|List)/;
const CHANGE_EVENTS_NAMED_LIKE_READS = new Set(['sts.amazonaws.com:GetFederationToken', 'sts.amazonaws.com:GetSessionToken']);
// Read-only calls named otherwise, as CloudTrail marks them (`readOnly: true`; e.g. the Stratus Red Team
// InvokeModel detonation record in test/corpus).
const READS_NAMED_OTHERWISE = new Set([
  'bedrock.amazonaws.com:InvokeModel',
  'bedrock.amazonaws.com:InvokeModelWithResponseStream',
  'secretsmanager.amazonaws.com:BatchGetSecretValue',
]);

export function isReadOnlyManagementEvent(eventSource: string, eventName: string | { readonly prefix: string }): boolean {
  const name = typeof eventName === 'string' ? eventName : eventName.prefix;
  if (eventSource === 'sts.amazonaws.com' && name.startsWith('AssumeRole')) return true;
  if (CHANGE_EVENTS_NAMED_LIKE_READS.has(`${eventSource}:${name}`)) return false;
  if (READS_NAMED_OTHERWISE.has(`${eventSource}:${name}`)) return true;
  // A prefix pattern such as "Get" or "" may match read-only names too.
  if (typeof eventName !== 'string' && ('Describe'.startsWith(name) || 'Get'.startsWith(name) || 'List'.startsWith(name))) return true;
  return READ_ONLY_VERBS.test(name);
}
