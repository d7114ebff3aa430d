import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * The events of a case entry: an inline event, or a path from the repository root to a JSON file or a
 * folder of them (read in name order).
 */
export function eventsOf(entry: string | Record<string, unknown>): unknown[] {
  if (typeof entry !== 'string') return [entry];
  const path = join(ROOT, entry);
  const files = entry.endsWith('.json') ? [path] : readdirSync(path).sort().map((f) => join(path, f));
  return files.map((file) => JSON.parse(readFileSync(file, 'utf8')));
}
