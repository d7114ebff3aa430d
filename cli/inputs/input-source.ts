/** Somewhere records are read from: a local file, standard input or an S3 object. */
export interface InputSource {
  /** How the source is named in messages: the path, `-` for standard input, or `s3://bucket/key`. */
  readonly name: string;
  /** Size in bytes as stored (before gunzip), when known; drives the progress bar. */
  readonly bytes: number | null;
  /** Opens the stored bytes as a stream of chunks. */
  open(): Promise<AsyncIterable<Buffer>>;
}

/** The stored size of all sources, or null when any is unknown (standard input). */
export function totalBytes(sources: readonly InputSource[]): number | null {
  let total = 0;
  for (const source of sources) {
    if (source.bytes === null) return null;
    total += source.bytes;
  }
  return total;
}
