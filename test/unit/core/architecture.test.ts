import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('functions/core stays pure', () => {
  const files = sources(join(ROOT, 'functions/core'));

  it.each(files.map((f) => [f.slice(ROOT.length)]))('%s imports no AWS SDK, reads no env, calls no clock', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    expect(text).not.toMatch(/from ['"]@aws-sdk\//);
    expect(text).not.toMatch(/process\.env/);
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)/);
    expect(text).not.toMatch(/from ['"]node:fs/);
  });

  it('imports nothing at run time that is AGPL (iam-simulate and iam-expand are test-only)', () => {
    const all = [...files, ...sources(join(ROOT, 'functions')), ...sources(join(ROOT, 'cli'))];
    for (const file of all) expect(readFileSync(file, 'utf8'), file).not.toMatch(/@cloud-copilot\/iam-(simulate|expand)/);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('@cloud-copilot/iam-simulate');
  });
});
