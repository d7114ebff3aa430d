import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { daysOf, listTrailKeys, type S3Lister } from '../../cli/inputs/s3-sources.ts';
import { jsonLines, runCli, SCENARIOS } from '../helpers/run-cli.ts';
import { useMoto } from './aws-fixture.ts';

// `replay s3://…` against moto's S3: an organization trail's layout, only the days of the window listed.
const BUCKET = 'org-trail-logs';
const ORG = 'o-exampleorg1';
const record = JSON.parse(readFileSync(join(SCENARIOS, '01-mcp-server-deletes-bucket/02-DeleteBucket.json'), 'utf8')).detail;

function logFile(account: string, region: string, time: string, n: number): { key: string; body: Buffer } {
  const [date, hhmm] = [time.slice(0, 10), time.slice(11, 16).replace(':', '')];
  const records = Array.from({ length: n }, (_, i) => ({ ...record, eventID: `${account}-${region}-${time}-${i}`, eventTime: time, recipientAccountId: account, userIdentity: { ...record.userIdentity, accountId: account, arn: record.userIdentity.arn.replace('111122223333', account), sessionContext: { ...record.userIdentity.sessionContext, sessionIssuer: { ...record.userIdentity.sessionContext.sessionIssuer, accountId: account, arn: record.userIdentity.sessionContext.sessionIssuer.arn.replace('111122223333', account) } } } }));
  const key = `logs/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${date.replaceAll('-', '/')}/${account}_CloudTrail_${region}_${date.replaceAll('-', '')}T${hhmm}Z_uniq${n}.json.gz`;
  return { key, body: gzipSync(JSON.stringify({ Records: records })) };
}

let endpoint: string;
beforeAll(async () => {
  endpoint = useMoto();
  const s3 = new S3Client({ forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const files = [
    logFile('111122223333', 'us-east-1', '2026-11-19T08:00:00Z', 2), // before the window
    logFile('111122223333', 'us-east-1', '2026-11-20T09:05:00Z', 3),
    logFile('111122223333', 'eu-west-1', '2026-11-20T09:07:00Z', 1),
    logFile('444455556666', 'us-east-1', '2026-11-21T10:00:00Z', 2),
    logFile('444455556666', 'us-east-1', '2026-11-23T10:00:00Z', 5), // after the window (and its next day)
  ];
  for (const { key, body } of files) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  // A digest file beside them is never read.
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `logs/AWSLogs/${ORG}/111122223333/CloudTrail-Digest/us-east-1/2026/11/20/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20261120T100000Z.json.gz`, Body: gzipSync('{"digestStartTime":"x","logFiles":[]}') }));
});

describe('replay s3://bucket/prefix', () => {
  it('reads the organization trail layout for the days of the window, streaming each log file', async () => {
    const env = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    const { code, stdout, stderr } = await runCli(['replay', '--format', 'json', '--since', '2026-11-20T00:00:00Z', '--until', '2026-11-21T23:59:59Z', `s3://${BUCKET}/logs`], { env });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const rows = jsonLines(stdout);
    const summary = rows.pop()!.summary as Record<string, number>;
    expect(summary.events).toBe(6);
    expect(new Set(rows.map((row) => row.account))).toEqual(new Set(['111122223333', '444455556666']));
    expect(rows.every((row) => row.verdict === 'violation')).toBe(true);
  });

  it('an empty window or a bucket that does not exist is a clear message, exit 2', async () => {
    const env = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' };
    const empty = await runCli(['replay', '--since', '2026-10-01T00:00:00Z', '--until', '2026-10-02T00:00:00Z', `s3://${BUCKET}/logs`], { env });
    expect(empty).toMatchObject({ code: 2, stderr: `agent-guardrail: warning: s3://${BUCKET}/logs: nothing to read here (no .json, .jsonl, .ndjson or .gz CloudTrail files)\n` });
    const missing = await runCli(['replay', 's3://no-such-bucket-here/x'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^agent-guardrail: s3:\/\/no-such-bucket-here\/x: cannot list \(NoSuchBucket: /);
  });
});

describe('listTrailKeys', () => {
  function recordingLister(tree: Record<string, string[]>): S3Lister & { listed: string[] } {
    const listed: string[] = [];
    return {
      listed,
      async folders(prefix) {
        listed.push(`folders ${prefix}`);
        return (tree[prefix] ?? []).map((name) => `${prefix}${name}/`);
      },
      async objects(prefix) {
        listed.push(`objects ${prefix}`);
        return (tree[prefix] ?? []).map((name) => ({ key: `${prefix}${name}`, size: 1 }));
      },
    };
  }

  it('lists organization, account and region folders, then only the day folders of the window', async () => {
    const lister = recordingLister({
      'AWSLogs/': ['o-exampleorg1', '999988887777'],
      'AWSLogs/o-exampleorg1/': ['111122223333'],
      'AWSLogs/o-exampleorg1/111122223333/CloudTrail/': ['us-east-1'],
      'AWSLogs/999988887777/CloudTrail/': ['eu-west-1'],
      'AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/11/20/': ['111122223333_CloudTrail_us-east-1_20261120T0910Z_b.json.gz'],
      'AWSLogs/999988887777/CloudTrail/eu-west-1/2026/11/20/': ['999988887777_CloudTrail_eu-west-1_20261120T0905Z_a.json.gz'],
    });
    const days = daysOf({ since: Date.parse('2026-11-20T08:00:00Z'), until: Date.parse('2026-11-20T20:00:00Z') }, Date.parse('2026-11-26T00:00:00Z'));
    expect(days).toEqual(['2026/11/20', '2026/11/21']);
    const keys = await listTrailKeys(lister, '', days);
    // Delivery order across accounts and regions.
    expect(keys.map((k) => k.key.split('/').at(-1))).toEqual(['999988887777_CloudTrail_eu-west-1_20261120T0905Z_a.json.gz', '111122223333_CloudTrail_us-east-1_20261120T0910Z_b.json.gz']);
    expect(lister.listed.filter((line) => line.startsWith('objects'))).toEqual([
      'objects AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/11/20/',
      'objects AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/11/21/',
      'objects AWSLogs/999988887777/CloudTrail/eu-west-1/2026/11/20/',
      'objects AWSLogs/999988887777/CloudTrail/eu-west-1/2026/11/21/',
    ]);
  });

  it('a prefix down to an account and region lists nothing above it; a wrong layout is a usage error', async () => {
    const lister = recordingLister({});
    await listTrailKeys(lister, 'p/AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/', ['2026/11/20']);
    expect(lister.listed).toEqual(['objects p/AWSLogs/o-exampleorg1/111122223333/CloudTrail/us-east-1/2026/11/20/']);
    await expect(listTrailKeys(lister, 'AWSLogs/not-an-account/', ['2026/11/20'])).rejects.toThrow(/an organization id \(o-…\) and an account id, not "not-an-account"/);
    await expect(listTrailKeys(lister, 'AWSLogs/111122223333/CloudTrail-Digest/', ['2026/11/20'])).rejects.toThrow(/only CloudTrail\/ folders hold log files/);
  });
});
