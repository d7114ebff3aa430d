import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../functions/core/errors.ts';

export interface WalkedFiles {
  /** Files in order: each named path, and the accepted files of each named folder, walked in name order. */
  readonly files: { readonly path: string; readonly bytes: number }[];
  /** Named folders that held no accepted file. */
  readonly emptyFolders: string[];
}

/**
 * Resolves paths to files: a file named explicitly is always taken, a folder is walked recursively in name
 * order taking the files `accept` admits. Throws InputError for a path that does not exist.
 */
export async function walkFiles(paths: readonly string[], accept: (path: string) => boolean): Promise<WalkedFiles> {
  const files: { path: string; bytes: number }[] = [];
  const emptyFolders: string[] = [];
  async function visit(path: string, explicit: boolean): Promise<void> {
    let info;
    try {
      info = await stat(path);
    } catch (cause) {
      throw new InputError(path, 'no such file or folder', { cause });
    }
    if (info.isDirectory()) {
      const before = files.length;
      for (const entry of (await readdir(path)).sort()) await visit(join(path, entry), false);
      if (explicit && files.length === before) emptyFolders.push(path);
    } else if (explicit || accept(path)) {
      files.push({ path, bytes: info.size });
    }
  }
  for (const path of paths) await visit(path, true);
  return { files, emptyFolders };
}
