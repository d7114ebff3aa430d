import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(new URL('../../../', import.meta.url).pathname);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

describe('a clone with nothing beside it', () => {
  it('has no test, benchmark or script that reads a path outside the repository', () => {
    const escapes: string[] = [];
    for (const file of ['test', 'bench', 'scripts'].flatMap((d) => sourceFiles(join(ROOT, d)))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/['"`]((?:\.\.\/)+[^'"`]*)['"`]/g)) {
        const target = resolve(dirname(file), match[1]!);
        if (!target.startsWith(ROOT)) escapes.push(`${relative(ROOT, file)}: ${match[1]}`);
      }
    }
    expect(escapes).toEqual([]);
  });
});
