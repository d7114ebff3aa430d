import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every package installed for run time (not "dev" in the lock file) carries a permissive licence; the AGPL
// simulator is for tests only. The lock file is what `npm ci` installs, so it is what is checked.
const ROOT = new URL('../../../', import.meta.url).pathname;
const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, { license?: string; dev?: boolean; devOptional?: boolean }> };
const PERMISSIVE = new Set(['MIT', 'MIT-0', 'Apache-2.0', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD']);

describe('licences', () => {
  it('are permissive for every run-time dependency', () => {
    const runtime = Object.entries(lock.packages).filter(([path, meta]) => path !== '' && !meta.dev && !meta.devOptional);
    expect(runtime.length).toBeGreaterThan(20);
    const others = runtime.filter(([, meta]) => !(meta.license ?? '').split(/ OR /).some((licence) => PERMISSIVE.has(licence.replace(/[()]/g, ''))));
    expect(others.map(([path, meta]) => `${path}: ${meta.license}`)).toEqual([]);
  });

  it('keep the AGPL policy simulator out of run time', () => {
    expect(lock.packages['node_modules/@cloud-copilot/iam-simulate']).toMatchObject({ dev: true, license: 'AGPL-3.0-or-later' });
  });
});
