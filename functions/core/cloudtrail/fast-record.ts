import { IDENTITY_TYPES, withoutSecrets, type CloudTrailRecord } from './record-schema.ts';
import { MAX_ARN_LENGTH, parseArn } from './arn.ts';

/**
 * A hand-written check of `cloudTrailRecordSchema` for the common case, several times cheaper than the
 * schema library per record (replay reads millions). It answers only "valid, and here is exactly the
 * schema's output" or null ("not sure"); on null the schema itself decides and words the problem. So the
 * schema stays the one source of truth: a differential property test proves that whenever this returns a
 * record, the schema accepts the input with a deep-equal output (test/fuzz/fast-record.property.test.ts).
 */

type Json = Record<string, unknown>;
const MAX_TEXT = 1024;
const ACCOUNT = /^\d{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const EVENT_SOURCE = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/;
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const REGION = /^[a-z]{2,}(-[a-z0-9]+){1,4}$/;
const IDENTITY_TYPE_SET: ReadonlySet<unknown> = new Set(IDENTITY_TYPES);
/** Thrown to abandon the fast path; never escapes this module. */
const UNSURE = Symbol('unsure');

/** What the schema library's object schema takes: any non-null object, arrays included. */
function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null;
}

// Each reader returns the value to copy, or undefined when the key is absent; anything doubtful throws UNSURE.
function present(input: Json, key: string): boolean {
  if (!(key in input)) return false;
  if (input[key] === undefined) throw UNSURE;
  return true;
}
function text(value: unknown, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.length > max) throw UNSURE;
  return value;
}
function arn(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_ARN_LENGTH || parseArn(value) === null) throw UNSURE;
  return value;
}
function account(value: unknown): string {
  if (typeof value !== 'string' || !ACCOUNT.test(value)) throw UNSURE;
  return value;
}
function matching(value: unknown, pattern: RegExp, max = Infinity): string {
  if (typeof value !== 'string' || value.length > max || !pattern.test(value)) throw UNSURE;
  return value;
}
/** The schema's `jsonObject`: null, or an object that is not an array. */
function jsonObjectOrNull(value: unknown): Json | null {
  if (value === null || (isObject(value) && !Array.isArray(value))) return value;
  throw UNSURE;
}

function optionalText(input: Json, output: Json, key: string, read: (value: unknown) => unknown): void {
  if (present(input, key)) output[key] = read(input[key]);
}

function sessionIssuer(input: unknown): Json {
  if (!isObject(input)) throw UNSURE;
  const output: Json = {};
  optionalText(input, output, 'type', text);
  optionalText(input, output, 'principalId', text);
  optionalText(input, output, 'arn', arn);
  optionalText(input, output, 'accountId', account);
  optionalText(input, output, 'userName', text);
  return output;
}

function userIdentity(input: unknown): Json {
  if (!isObject(input) || !IDENTITY_TYPE_SET.has(input.type)) throw UNSURE;
  const output: Json = { type: input.type };
  optionalText(input, output, 'principalId', text);
  optionalText(input, output, 'arn', arn);
  optionalText(input, output, 'accountId', account);
  optionalText(input, output, 'accessKeyId', (value) => text(value, 128));
  optionalText(input, output, 'userName', text);
  optionalText(input, output, 'invokedBy', text);
  if (present(input, 'sessionContext')) {
    const context = input.sessionContext;
    if (!isObject(context)) throw UNSURE;
    const session: Json = {};
    optionalText(context, session, 'sourceIdentity', (value) => text(value, 64));
    if (present(context, 'sessionIssuer')) session.sessionIssuer = sessionIssuer(context.sessionIssuer);
    if (present(context, 'attributes')) {
      const attributes = context.attributes;
      if (!isObject(attributes)) throw UNSURE;
      const kept: Json = {};
      optionalText(attributes, kept, 'creationDate', (value) => text(value, 64));
      session.attributes = kept;
    }
    output.sessionContext = session;
  }
  return output;
}

function resources(value: unknown): Json[] {
  if (!Array.isArray(value) || value.length > 256) throw UNSURE;
  return value.map((item) => {
    if (!isObject(item)) throw UNSURE;
    const output: Json = {};
    optionalText(item, output, 'ARN', text);
    optionalText(item, output, 'arn', text);
    optionalText(item, output, 'accountId', text);
    optionalText(item, output, 'type', text);
    return output;
  });
}

function nullish(input: Json, output: Json, key: string, map: (value: Json | null) => unknown = (value) => value): void {
  if (present(input, key)) output[key] = map(jsonObjectOrNull(input[key]));
}

function read(input: unknown): CloudTrailRecord {
  if (!isObject(input)) throw UNSURE;
  const eventID = input.eventID;
  if (typeof eventID !== 'string' || eventID.length < 1 || eventID.length > 128) throw UNSURE;
  const eventTime = matching(input.eventTime, ISO_TIME);
  if (Number.isNaN(Date.parse(eventTime))) throw UNSURE;
  const output: Json = {
    eventID,
    eventTime,
    eventSource: matching(input.eventSource, EVENT_SOURCE, 128),
    eventName: matching(input.eventName, EVENT_NAME),
    awsRegion: matching(input.awsRegion, REGION),
  };
  optionalText(input, output, 'eventType', text);
  if (present(input, 'readOnly')) {
    if (typeof input.readOnly !== 'boolean') throw UNSURE;
    output.readOnly = input.readOnly;
  }
  optionalText(input, output, 'errorCode', text);
  optionalText(input, output, 'recipientAccountId', account);
  optionalText(input, output, 'sourceIPAddress', text);
  optionalText(input, output, 'userAgent', (value) => text(value, 4096));
  output.userIdentity = userIdentity(input.userIdentity);
  nullish(input, output, 'requestParameters');
  nullish(input, output, 'responseElements', withoutSecrets);
  nullish(input, output, 'additionalEventData');
  if (present(input, 'resources')) output.resources = resources(input.resources);
  return output as unknown as CloudTrailRecord;
}

/** The schema's output for a record this path is sure of, or null to let the schema decide. */
export function fastRecord(input: unknown): CloudTrailRecord | null {
  try {
    return read(input);
  } catch (error) {
    if (error === UNSURE) return null;
    throw error;
  }
}
