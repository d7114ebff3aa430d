import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VOLUME_PROFILE } from '../../../../cli/volume/default-profile.ts';
import { GUARD_REQUESTS } from '../../../../cli/volume/guard-requests.ts';
import { ProfileFromTrail } from '../../../../cli/volume/profile-from-trail.ts';
import { estimateVolume, withoutParameterFilters } from '../../../../cli/volume/volume-model.ts';
import { volumeProfileSchema } from '../../../../cli/volume/volume-profile.ts';
import { compileEventPatterns } from '../../../../functions/core/policy/compile-event-patterns.ts';
import { loadDefaultPolicy } from '../../../helpers/policy.ts';
import { ROOT, runCli } from '../../../helpers/run-cli.ts';

const patterns = async () => compileEventPatterns(await loadDefaultPolicy());

describe('the volume model', () => {
  it('forwards what the patterns forward, filtered calls by their parameter shares, and prices each part', async () => {
    const profile = volumeProfileSchema.parse({
      name: 'two events',
      source: 'test',
      accounts: 10,
      regions: 2,
      events: [
        { event: 'sts.amazonaws.com:AssumeRole', perAccountPerSecond: 1, byAwsServices: 0.5 },
        { event: 'ssm.amazonaws.com:GetParameter', perAccountPerSecond: 2, variants: [{ share: 0.25, requestParameters: { withDecryption: true } }] },
        { event: 'kms.amazonaws.com:Decrypt', perAccountPerSecond: 100 },
      ],
    });
    const estimate = estimateVolume(profile, await patterns());
    expect(estimate.events.map((e) => [e.event, e.forwardedPerSecond])).toEqual([
      ['sts.amazonaws.com:AssumeRole', 10],
      ['ssm.amazonaws.com:GetParameter', 5], // a quarter of 20 decrypts
      ['kms.amazonaws.com:Decrypt', 0],
    ]);
    expect(estimate.forwardedPerSecond).toBe(15);
    expect(estimate.dynamo.writesPerSecond).toBe(10 * GUARD_REQUESTS.session.writes + 5 * GUARD_REQUESTS.benign.writes);
    // $1 a million cross-account events over a 730-hour month.
    expect(estimate.monthlyUsd.eventBridge).toBeCloseTo((15 * 730 * 3600) / 1e6, 6);
    expect(estimate.monthlyUsd.total).toBeCloseTo(Object.entries(estimate.monthlyUsd).filter(([k]) => k !== 'total').reduce((s, [, v]) => s + v, 0), 6);
    // Without the filters every GetParameter is forwarded.
    expect(estimateVolume(profile, withoutParameterFilters(await patterns())).forwardedPerSecond).toBe(30);
  });

  it('on the shipped profile (500 accounts, 17 regions) the filters forward less, and the guard needs less than its reserved concurrency', async () => {
    const after = estimateVolume(DEFAULT_VOLUME_PROFILE, await patterns());
    const before = estimateVolume(DEFAULT_VOLUME_PROFILE, withoutParameterFilters(await patterns()));
    expect(after.forwardedPerSecond).toBeLessThan(before.forwardedPerSecond);
    expect(after.monthlyUsd.total).toBeLessThan(before.monthlyUsd.total);
    expect(after.concurrencyNeeded).toBeLessThan(after.reservedConcurrency);
  });

  it('derives a profile from trail records: rates per account per second, AWS services\' share, filtered parameters\' shares', async () => {
    const counter = new ProfileFromTrail(await patterns());
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    for (let s = 0; s < 100; s++) {
      counter.add({ eventSource: 'sts.amazonaws.com', eventName: 'AssumeRole', eventTime: at(s), recipientAccountId: s % 2 ? '111111111111' : '222222222222', awsRegion: 'us-east-1', userIdentity: { type: s % 4 === 0 ? 'AWSService' : 'AssumedRole' } });
      counter.add({ eventSource: 'ssm.amazonaws.com', eventName: 'GetParameter', eventTime: at(s), recipientAccountId: '111111111111', awsRegion: 'eu-west-1', userIdentity: { type: 'AssumedRole' }, requestParameters: { name: 'x', withDecryption: s < 10 } });
    }
    const profile = counter.profile('fixture')!;
    expect(profile).toMatchObject({ accounts: 2, regions: 2 });
    const assume = profile.events.find((e) => e.event === 'sts.amazonaws.com:AssumeRole')!;
    expect(assume.perAccountPerSecond).toBeCloseTo(100 / 2 / 99, 9);
    expect(assume.byAwsServices).toBe(0.25);
    const get = profile.events.find((e) => e.event === 'ssm.amazonaws.com:GetParameter')!;
    expect(get.variants).toEqual(expect.arrayContaining([{ share: 0.1, requestParameters: { withDecryption: true } }, { share: 0.9, requestParameters: { withDecryption: false } }]));
    expect(estimateVolume(profile, await patterns()).events.find((e) => e.event === 'ssm.amazonaws.com:GetParameter')!.forwardedPerSecond).toBeCloseTo(get.perAccountPerSecond * 2 * 0.1, 9);
  });
});

describe('agent-guardrail check --volume', () => {
  it('prints the figure for the shipped profile; a bad profile is one line and exit 2', async () => {
    const { code, stdout } = await runCli(['check', '--volume']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^profile: busy organization \(assumed\): 500 accounts, 17 regions/);
    expect(stdout).toMatch(/forwarded: [\d,.]+ events\/s of [\d,.]+ calls\/s .*without the patterns' parameter filters/);
    expect(stdout).toMatch(/monthly at us-east-1 list prices: \$[\d,]+ = EventBridge cross-account/);
    // The README's "What it costs" block is this output, figure for figure.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('### What it costs')).split('```')[1]!.trim().split('\n');
    const printed = stdout.split('\n').filter((line) => /^(forwarded|guard|DynamoDB|monthly at)/.test(line));
    expect(block).toEqual(printed);
    const bad = join(mkdtempSync(join(tmpdir(), 'agent-guardrail-profile-')), 'profile.yaml');
    writeFileSync(bad, 'name: x\nsource: y\naccounts: 0\nregions: 1\nevents: []\n');
    const rejected = await runCli(['check', '--volume', '--profile', bad]);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr.trim().split('\n')).toHaveLength(1);
    expect(rejected.stderr).toMatch(/--profile .*accounts: .*events: /);
  });
});
