import type { InputSource } from './input-source.ts';
import { listLocalSources } from './local-sources.ts';

export interface ResolvedSources {
  readonly sources: InputSource[];
  /** Places named on the command line that held nothing to read. */
  readonly empty: string[];
}

export interface TimeWindow {
  readonly since: number | null;
  readonly until: number | null;
}

/**
 * Turns command-line inputs into sources: files, folders, `-` (standard input) and `s3://bucket/prefix`
 * (an organization trail's layout, listing only the days in the window). The S3 client loads only when an
 * S3 input is named.
 */
export async function resolveSources(paths: readonly string[], window: TimeWindow, now = Date.now()): Promise<ResolvedSources> {
  const sources: InputSource[] = [];
  const empty: string[] = [];
  for (const path of paths) {
    if (path.startsWith('s3://')) {
      const { listS3Sources } = await import('./s3-sources.ts');
      const found = await listS3Sources(path, window, now);
      if (found.length === 0) empty.push(path);
      sources.push(...found);
    } else {
      const local = await listLocalSources([path]);
      sources.push(...local.sources);
      empty.push(...local.emptyFolders);
    }
  }
  return { sources, empty };
}
