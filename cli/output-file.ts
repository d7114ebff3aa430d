import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { UsageError } from '../functions/core/errors.ts';

/**
 * Opens a file a command writes to before any work starts, so a bad path is one line and exit 2 (a usage
 * error), never a stack trace from a stream's late 'error' event.
 * @example const stream = await openOutputFile('report.html', '--output');
 */
export async function openOutputFile(path: string, option: string): Promise<WriteStream> {
  try {
    const handle = await open(path, 'w');
    // The stream owns the handle (and closes it when it ends): a bare fd would be closed under it when the
    // handle is collected.
    return handle.createWriteStream();
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Writes a whole file a command produces; a bad path is a usage error (exit 2), as for openOutputFile. */
export async function writeOutputFile(path: string, option: string, text: string): Promise<void> {
  const stream = await openOutputFile(path, option);
  await new Promise<void>((resolve, reject) => stream.end(text, (error?: Error | null) => (error ? reject(error) : resolve())));
}
