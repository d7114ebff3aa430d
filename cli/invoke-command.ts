import { readFile } from 'node:fs/promises';
import { InputError } from '../functions/core/errors.ts';

const HANDLERS = {
  guard: '../functions/guard/handler.mjs',
  override: '../functions/override/handler.mjs',
  heartbeat: '../functions/heartbeat/handler.mjs',
} as const;

/**
 * `invoke guard|override|heartbeat FILE`: runs the real handler in this process with the real AWS SDK against
 * whatever the environment names (credentials, AWS_REGION, AWS_ENDPOINT_URL), like a local Lambda invoke.
 * Exits 1 when the handler answers `ok: false`. The handler's own configuration comes from the environment as in Lambda (STATE_TABLE, TOPIC_ARN, ...).
 */
export async function invokeCommand(name: keyof typeof HANDLERS, file: string): Promise<number> {
  let event: unknown;
  try {
    event = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InputError(file, `cannot read a JSON event (${(cause as Error).message})`, { cause });
  }
  // EMF metric lines only mean something in CloudWatch Logs; here they would interleave with the result.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  // The handler's log lines (Powertools writes them to stdout, as Lambda reads them) go to stderr here, so
  // stdout holds the result alone and can be piped.
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  let result: unknown;
  try {
    const module = (await import(new URL(HANDLERS[name], import.meta.url).href)) as { handler: (e: unknown) => Promise<unknown> };
    result = await module.handler(event);
  } finally {
    process.stdout.write = write;
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  // The override answers a rejected payload or a failed command with ok: false, the heartbeat names silent
  // accounts: a script must see either fail.
  const answer = (typeof result === 'object' && result !== null ? result : {}) as { ok?: unknown; silent?: unknown[] };
  return answer.ok === false || (answer.silent?.length ?? 0) > 0 ? 1 : 0;
}
