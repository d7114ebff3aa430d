import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contain, judge, type ContainmentCase } from '../helpers/containment-harness.ts';
import { organizationDay } from './organization-day.ts';
import { generatedRedTeamCases } from '../redteam/generated-cases.ts';

/**
 * Precision, measured on both sides at once: over a day of an organization (organization-day.ts) and the red
 * team's cases, how many people and pipelines the guard left untouched (every move of theirs allowed) and how
 * many agents it contained (every next move of theirs denied), judged with iam-simulate against what the guard
 * wrote and the keys and passwords it took. Neither figure may fall to raise the other: both must be whole.
 * The figures are written to dist/precision.json.
 */
const ROOT = new URL('../../', import.meta.url).pathname;
const REDTEAM = join(ROOT, 'test/redteam/cases');
const redTeam = [
  ...readdirSync(REDTEAM).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(REDTEAM, f), 'utf8')) as ContainmentCase),
  ...generatedRedTeamCases(),
];

interface Tally {
  readonly people: Map<string, boolean>;
  readonly agents: Map<string, boolean>;
}
const tallies = { day: { people: new Map(), agents: new Map() } as Tally, redTeam: { people: new Map(), agents: new Map() } as Tally };
const failures: string[] = [];

afterAll(() => {
  const count = (map: Map<string, boolean>) => [...map.values()].filter(Boolean).length;
  const figures = (tally: Tally) => ({ peopleUntouched: count(tally.people), people: tally.people.size, agentsContained: count(tally.agents), agents: tally.agents.size });
  const all = { people: new Map([...tallies.day.people, ...tallies.redTeam.people]), agents: new Map([...tallies.day.agents, ...tallies.redTeam.agents]) };
  const report = { all: figures(all), organizationDay: figures(tallies.day), redTeam: figures(tallies.redTeam), failures };
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  writeFileSync(join(ROOT, 'dist/precision.json'), `${JSON.stringify(report, null, 2)}\n`);
});

const day = organizationDay();
describe.each([...day, ...redTeam].map((c) => [c.name, c] as const))('precision: %s', (_name, testCase) => {
  const tally = day.includes(testCase) ? tallies.day : tallies.redTeam;
  it(testCase.description, async () => {
    const contained = await contain(testCase);
    const wrong: string[] = [];
    for (const move of testCase.moves) {
      const decision = await judge(move, contained);
      const ok = (decision === 'Allowed') === (move.expect === 'allowed');
      // A person is untouched only if every move of theirs is allowed; an agent contained only if every one is denied.
      const key = `${testCase.name}/${move.actor ?? `${move.as.role ?? move.as.user}/${move.as.session ?? ''}`}`;
      const book: Map<string, boolean> = move.who === 'agent' ? tally.agents : tally.people;
      book.set(key, (book.get(key) ?? true) && ok);
      if (!ok) wrong.push(`${move.who} ${move.actor ?? ''}: ${move.description} → ${decision}`);
    }
    failures.push(...wrong.map((w) => `${testCase.name}: ${w}`));
    expect(wrong).toEqual([]);
  });
});

describe('the figures', () => {
  it('are the ones the README states, and whole on both sides', () => {
    const count = (map: Map<string, boolean>) => [...map.values()].filter(Boolean).length;
    const people = new Map([...tallies.day.people, ...tallies.redTeam.people]);
    const agents = new Map([...tallies.day.agents, ...tallies.redTeam.agents]);
    expect(count(people)).toBe(people.size);
    expect(count(agents)).toBe(agents.size);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    const stated = /people untouched (\d+) of (\d+) and agents contained (\d+) of (\d+)/.exec(readme)?.slice(1).map(Number);
    expect(stated, 'README: "people untouched P of N and agents contained A of M"').toEqual([count(people), people.size, count(agents), agents.size]);
  });
});
