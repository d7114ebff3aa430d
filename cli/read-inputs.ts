import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../functions/core/errors.ts';
import { unwrapInput, type InputItem } from '../functions/core/cloudtrail/unwrap-input.ts';

/** Files picked up when walking a folder; a file named explicitly is always read. */
const INPUT_FILE = /\.(json|jsonl|ndjson|gz)$/i;

export interface InputFile {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Resolves paths (files or folders, walked recursively in name order) to the input files to read.
 * Throws InputError for a path that does not exist.
 */
export async function listInputFiles(paths: readonly string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  async function visit(path: string, explicit: boolean): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (cause) {
      throw new InputError(path, 'no such file or folder', { cause });
    }
    if (info.isDirectory()) {
      const entries = (await readdir(path)).sort();
      for (const entry of entries) await visit(join(path, entry), false);
    } else if (explicit || INPUT_FILE.test(path)) {
      files.push({ path, bytes: info.size });
    }
  }
  for (const path of paths) await visit(path, true);
  return files;
}

function decode(path: string, buffer: Buffer): string {
  // Gzip magic number 1f 8b: CloudTrail delivers its log files gzipped.
  if (buffer.length > 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) {
    try {
      return gunzipSync(buffer).toString('utf8');
    } catch (cause) {
      throw new InputError(path, 'corrupt gzip data', { cause });
    }
  }
  return buffer.toString('utf8');
}

/**
 * Reads one input file into the records it holds: a JSON document (log file, envelope, record or array)
 * or JSON Lines of those. A bad line becomes a rejected item; the rest of the file is still read.
 */
export async function readInputFile(path: string): Promise<InputItem[]> {
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (cause) {
    throw new InputError(path, `cannot read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  const text = decode(path, buffer);
  try {
    return [...unwrapInput(JSON.parse(text), path)];
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  const items: InputItem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.length === 0) continue;
    const origin = `${path}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      items.push({ kind: 'rejected', reason: `line ${i + 1} is not JSON`, origin });
      continue;
    }
    items.push(...unwrapInput(value, origin));
  }
  return items;
}
