import { pipeline } from 'node:stream';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../functions/core/errors.ts';
import type { InputItem } from '../../functions/core/cloudtrail/unwrap-input.ts';
import type { InputSource } from './input-source.ts';
import { NotCloudTrailError, RecordSplitter } from './split-records.ts';

/** Gzip's magic number 1f 8b: CloudTrail delivers its log files gzipped. */
function isGzip(chunk: Buffer): boolean {
  return chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
}

async function* withFirst(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** The stored bytes, gunzipped when they are gzip; `onBytes` sees the stored (compressed) byte counts. */
async function* decoded(stored: AsyncIterable<Buffer>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  const counted = (async function* () {
    for await (const chunk of stored) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      onBytes(buffer.length);
      yield buffer;
    }
  })();
  const first = await counted.next();
  if (first.done) return;
  if (!isGzip(first.value)) {
    yield* withFirst(first.value, counted);
    return;
  }
  const gunzip = createGunzip();
  pipeline(Readable.from(withFirst(first.value, counted)), gunzip, () => undefined);
  yield* gunzip;
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('Z_')) return 'corrupt gzip data';
  return `cannot read (${code ?? (error as Error).message})`;
}

/**
 * The decoded bytes of a source, chunk by chunk (gunzipped when gzip). Read problems throw one InputError
 * naming the source. `onBytes` sees the stored (compressed) byte counts.
 */
export async function* sourceChunks(source: InputSource, onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<Buffer> {
  try {
    yield* decoded(await source.open(), onBytes);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(source.name, describeReadError(error), { cause: error });
  }
}

/**
 * Reads one source as batches of input items, incrementally. A source that is not CloudTrail as a whole
 * (not JSON, truncated, corrupt gzip, a digest file) throws one InputError naming it.
 */
export async function* readSource(source: InputSource, onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<InputItem[]> {
  const splitter = new RecordSplitter(source.name);
  try {
    for await (const chunk of sourceChunks(source, onBytes)) {
      const items = splitter.push(chunk);
      if (items.length > 0) yield items;
    }
    const last = splitter.end();
    if (last.length > 0) yield last;
  } catch (error) {
    if (error instanceof NotCloudTrailError) throw new InputError(source.name, error.message, { cause: error });
    throw error;
  }
}
