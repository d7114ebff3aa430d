import { Duration } from 'aws-cdk-lib';
import { RETRY } from '../../functions/aws/clients.ts';

// The SDK's retry strategy backs off throttled calls from 500 ms, doubling, each wait capped at 20 s
// (@smithy/core retry constants THROTTLING_RETRY_DELAY_BASE and MAXIMUM_RETRY_DELAY).
const THROTTLING_BASE_MS = 500;
const MAXIMUM_DELAY_MS = 20_000;

/** The longest the SDK waits between attempts of one call, over all its retries (jitter at its maximum). */
export function worstRetryWaitMs(maxAttempts: number = RETRY.maxAttempts): number {
  let total = 0;
  for (let retry = 0; retry < maxAttempts - 1; retry++) total += Math.min(MAXIMUM_DELAY_MS, THROTTLING_BASE_MS * 2 ** retry);
  return total;
}

/** Sequential AWS calls a containment can need: AssumeRole, ListRoleTags, PutRolePolicy, read-back, tags, publish. */
export const SEQUENTIAL_CALLS = 6;

/**
 * The functions' timeout: room for every sequential call of a containment to be throttled and retried to
 * the SDK's limit, and short enough that the event's lease (which ends with the invocation) has run out
 * before Lambda's last retry of a crashed invocation, which comes 1 + 2 minutes after the first attempt.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
 */
export const FUNCTION_TIMEOUT = Duration.seconds(120);
/** Lambda's last asynchronous retry comes this long after a failed first attempt. */
export const LAST_RETRY_AFTER = Duration.minutes(3);
