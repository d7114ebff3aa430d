import { formatPath } from '../format-path.ts';
import { parseArn } from './arn.ts';
import { safeParse } from 'valibot';
import { fastRecord } from './fast-record.ts';
import { cloudTrailRecordSchema, type CloudTrailRecord } from './record-schema.ts';
import type { EnvelopeFacts, InputItem } from './unwrap-input.ts';

export type ValidationResult =
  | { readonly ok: true; readonly record: CloudTrailRecord }
  | { readonly ok: false; readonly reason: string; readonly eventID: string | null; readonly eventName: string | null };

function peek(value: unknown, key: string): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.length <= 128 ? field : null;
}

const ASSUMED_ROLE_RESOURCE = /^assumed-role\/[\w+=,.@-]{1,64}\/[\w+=,.@-]{2,64}$/;

/** Checks that cannot be expressed field by field: the identity's parts must agree with each other. */
function inconsistency(record: CloudTrailRecord, envelope: EnvelopeFacts | undefined): string | null {
  const identity = record.userIdentity;
  const account = record.recipientAccountId ?? identity.accountId;
  if (!account) return 'record names no account (recipientAccountId or userIdentity.accountId)';
  if (identity.arn) {
    const arn = parseArn(identity.arn)!;
    if (arn.service !== 'iam' && arn.service !== 'sts') return `userIdentity.arn is not an IAM or STS ARN`;
    if (identity.accountId && arn.account !== identity.accountId) {
      return `userIdentity.arn account ${arn.account} differs from userIdentity.accountId ${identity.accountId}`;
    }
    if (identity.type === 'AssumedRole' && !arn.resource.startsWith('assumed-role/')) {
      return 'userIdentity.arn of an AssumedRole identity is not an assumed-role ARN';
    }
    // IAM role names and STS session names use [\w+=,.@-] only: anything else (quotes, braces, spaces)
    // cannot come from AWS and is how policy-injection attempts would arrive.
    if (arn.resource.startsWith('assumed-role/') && !ASSUMED_ROLE_RESOURCE.test(arn.resource)) {
      return 'userIdentity.arn has a role or session name IAM would not issue';
    }
  }
  const issuer = identity.sessionContext?.sessionIssuer;
  if (issuer?.arn && identity.accountId && parseArn(issuer.arn)!.account !== identity.accountId) {
    return 'sessionContext.sessionIssuer.arn is in another account than the identity';
  }
  if (envelope) {
    if (envelope.account !== account) {
      return `envelope account ${JSON.stringify(envelope.account)} differs from the record's account ${account}`;
    }
    if (typeof envelope.source !== 'string' || !envelope.source.startsWith('aws.')) {
      return `envelope source ${JSON.stringify(envelope.source)} is not an AWS source`;
    }
  }
  return null;
}

/**
 * AWS service events (eventType AwsServiceEvent: KMS key rotation, deletion by AWS) carry a userIdentity
 * with no type, only `invokedBy: AWS Internal`; they are genuine and read as made by an AWS service.
 * Docs: awscloudtrail/latest/userguide/non-api-aws-service-events.html
 */
function asServiceEvent(record: unknown): unknown {
  if (typeof record !== 'object' || record === null) return record;
  const { eventType, userIdentity } = record as Record<string, unknown>;
  if (eventType !== 'AwsServiceEvent' || typeof userIdentity !== 'object' || userIdentity === null || 'type' in userIdentity) return record;
  return { ...record, userIdentity: { ...userIdentity, type: 'AWSService' } };
}

/**
 * Validates one input item into a typed CloudTrail record, or says in one line why it is not genuine.
 * @example validateRecord({ kind: 'record', record: {}, origin: 'x' }) // { ok: false, reason: 'eventID: ...' }
 */
export function validateRecord(item: InputItem): ValidationResult {
  if (item.kind === 'rejected') {
    return { ok: false, reason: item.reason, eventID: item.eventID ?? null, eventName: null };
  }
  const input = asServiceEvent(item.record);
  const fast = fastRecord(input);
  const parsed = fast ? ({ success: true, output: fast } as const) : safeParse(cloudTrailRecordSchema, input);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    return {
      ok: false,
      reason: `${formatPath((issue.path ?? []).map((step) => step.key as PropertyKey)) || 'record'}: ${issue.message}`,
      eventID: peek(item.record, 'eventID'),
      eventName: peek(item.record, 'eventName'),
    };
  }
  const problem = inconsistency(parsed.output, item.envelope);
  if (problem) return { ok: false, reason: problem, eventID: parsed.output.eventID, eventName: parsed.output.eventName };
  return { ok: true, record: parsed.output };
}
