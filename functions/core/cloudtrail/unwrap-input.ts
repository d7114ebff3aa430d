/**
 * Turns one parsed JSON value (a log file, an EventBridge envelope, a bare record, or an array of those)
 * into the records it holds. Shape problems become `rejected` items rather than exceptions, so one bad
 * entry never stops a replay.
 */

export const CLOUDTRAIL_DETAIL_TYPES: ReadonlySet<string> = new Set([
  'AWS API Call via CloudTrail',
  'AWS Console Sign In via CloudTrail',
  'AWS Console Signin via CloudTrail',
  'AWS Console Action via CloudTrail',
  'AWS Service Event via CloudTrail',
]);

export type InputItem =
  | { readonly kind: 'record'; readonly record: unknown; readonly envelope?: EnvelopeFacts; readonly origin: string }
  | { readonly kind: 'rejected'; readonly reason: string; readonly origin: string; readonly eventID?: string };

/** What an EventBridge envelope claims about its record, checked against the record itself later. */
export interface EnvelopeFacts {
  readonly account: unknown;
  readonly source: unknown;
  readonly detailType: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Yields the records inside a parsed JSON value.
 * @example [...unwrapInput({ Records: [r1, r2] }, 'trail.json')] // two record items
 */
export function* unwrapInput(value: unknown, origin: string): Generator<InputItem> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* unwrapInput(value[i], `${origin}[${i}]`);
    return;
  }
  if (!isObject(value)) {
    yield { kind: 'rejected', reason: 'not a JSON object', origin };
    return;
  }
  if (Array.isArray(value.Records)) {
    const records = value.Records;
    for (let i = 0; i < records.length; i++) yield { kind: 'record', record: records[i], origin: `${origin}#Records[${i}]` };
    return;
  }
  if ('detail-type' in value || ('detail' in value && 'source' in value)) {
    const detailType = value['detail-type'];
    if (typeof detailType !== 'string' || !CLOUDTRAIL_DETAIL_TYPES.has(detailType)) {
      yield {
        kind: 'rejected',
        reason: `EventBridge event is not a CloudTrail event (detail-type ${JSON.stringify(detailType)})`,
        origin,
      };
      return;
    }
    yield {
      kind: 'record',
      record: value.detail,
      envelope: { account: value.account, source: value.source, detailType },
      origin,
    };
    return;
  }
  yield { kind: 'record', record: value, origin };
}
