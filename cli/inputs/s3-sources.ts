import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { InputError, UsageError } from '../../functions/core/errors.ts';
import type { InputSource } from './input-source.ts';
import type { TimeWindow } from './resolve-sources.ts';

/**
 * A trail's S3 layout (docs: awscloudtrail/latest/userguide/cloudtrail-find-log-files.html and
 * cloudtrail-log-file-examples.html#cloudtrail-log-filename-format):
 *   [prefix/]AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_X.json.gz
 * Organization trails add the organization id; digest files live under CloudTrail-Digest/ and are not read.
 */
const ORGANIZATION = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const DAY_MS = 86_400_000;
const LOG_TIME = /_(\d{8}T\d{4}Z)_/;

interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new UsageError(`"${url}" is not an S3 location (s3://bucket or s3://bucket/prefix)`);
  const prefix = match[2] ?? '';
  return { bucket: match[1]!, prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/` };
}

/**
 * Days whose folders can hold events of the window: a log file is filed under the day it was delivered,
 * up to about 15 minutes after its events, so the day after the window's end is listed too.
 */
export function daysOf(window: TimeWindow, now: number): string[] {
  const since = window.since ?? now - DAY_MS;
  const until = window.until ?? now;
  const days: string[] = [];
  for (let day = Math.floor(since / DAY_MS) * DAY_MS; day <= until + DAY_MS && day <= now + DAY_MS; day += DAY_MS) {
    days.push(new Date(day).toISOString().slice(0, 10).replaceAll('-', '/'));
  }
  return days;
}

/** What the levels below `AWSLogs/` in a prefix say: organization, account, region, day, as far as given. */
function layoutOf(prefix: string): { root: string; rest: string[] } {
  const at = prefix.indexOf('AWSLogs/');
  if (at < 0) return { root: `${prefix}AWSLogs/`, rest: [] };
  return { root: prefix.slice(0, at + 'AWSLogs/'.length), rest: prefix.slice(at + 'AWSLogs/'.length).split('/').filter(Boolean) };
}

export interface S3Lister {
  /** Common prefixes one level below `prefix`. */
  folders(prefix: string): Promise<string[]>;
  /** Objects under `prefix`, with their sizes. */
  objects(prefix: string): Promise<{ key: string; size: number }[]>;
}

function s3Lister(client: S3Client, bucket: string): S3Lister {
  async function* pages(prefix: string, delimiter?: string) {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }));
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return {
    async folders(prefix) {
      const found: string[] = [];
      for await (const page of pages(prefix, '/')) for (const common of page.CommonPrefixes ?? []) if (common.Prefix) found.push(common.Prefix);
      return found;
    },
    async objects(prefix) {
      const found: { key: string; size: number }[] = [];
      for await (const page of pages(prefix)) for (const object of page.Contents ?? []) if (object.Key) found.push({ key: object.Key, size: object.Size ?? 0 });
      return found;
    },
  };
}

const lastSegment = (prefix: string) => prefix.split('/').filter(Boolean).at(-1)!;

/**
 * The log-file keys under a trail prefix for the days of the window: walks organization, account and region
 * folders by listing (one level at a time, with a delimiter), then lists only the day folders of the window.
 */
export async function listTrailKeys(lister: S3Lister, prefix: string, days: readonly string[]): Promise<{ key: string; size: number }[]> {
  const { root, rest } = layoutOf(prefix);
  const organization = rest[0] && ORGANIZATION.test(rest[0]) ? rest.shift()! : null;
  const [account, service, region] = rest;
  if (account !== undefined && !ACCOUNT.test(account)) {
    throw new UsageError(`s3://…/${prefix}: below AWSLogs/ come an organization id (o-…) and an account id, not "${account}"`);
  }
  if (service !== undefined && service !== 'CloudTrail') throw new UsageError(`s3://…/${prefix}: only CloudTrail/ folders hold log files, not ${service}/`);
  const accountsOf = async (folder: string) => (await lister.folders(folder)).filter((p) => ACCOUNT.test(lastSegment(p)));
  let accounts: string[];
  if (account) accounts = [`${root}${organization ? `${organization}/` : ''}${account}/`];
  else if (organization) accounts = await accountsOf(`${root}${organization}/`);
  else {
    accounts = [];
    for (const folder of await lister.folders(root)) {
      const name = lastSegment(folder);
      if (ACCOUNT.test(name)) accounts.push(folder);
      else if (ORGANIZATION.test(name)) accounts.push(...(await accountsOf(folder)));
    }
  }
  const keys: { key: string; size: number }[] = [];
  for (const folder of accounts) {
    const regions = region ? [`${folder}CloudTrail/${region}/`] : await lister.folders(`${folder}CloudTrail/`);
    for (const regionFolder of regions) for (const day of days) keys.push(...(await lister.objects(`${regionFolder}${day}/`)));
  }
  // In delivery order across accounts and regions (the file name carries its delivery time), so sessions
  // minted in one region are known when their calls elsewhere are read.
  const time = (key: string) => LOG_TIME.exec(key)?.[1] ?? '';
  return keys.filter(({ key }) => /\.json(\.gz)?$/.test(key)).sort((a, b) => time(a.key).localeCompare(time(b.key)) || a.key.localeCompare(b.key));
}

/** The S3 client: region and credentials from the environment; AWS_ENDPOINT_URL for a local emulator. */
function s3Client(): S3Client {
  return new S3Client({ forcePathStyle: process.env.AWS_ENDPOINT_URL !== undefined });
}

/**
 * Sources for `s3://bucket/prefix`: an organization trail's (or an account trail's) log files for the days
 * of the window (the last 24 hours when none is given), streamed object by object.
 */
export async function listS3Sources(url: string, window: TimeWindow, now: number): Promise<InputSource[]> {
  const { bucket, prefix } = parseS3Url(url);
  const client = s3Client();
  let keys;
  try {
    keys = await listTrailKeys(s3Lister(client, bucket), prefix, daysOf(window, now));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new InputError(url, `cannot list (${(error as Error).name}: ${(error as Error).message})`, { cause: error });
  }
  return keys.map(({ key, size }) => ({
    name: `s3://${bucket}/${key}`,
    bytes: size,
    async open() {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!Body) throw new InputError(`s3://${bucket}/${key}`, 'empty object body');
      return Body as AsyncIterable<Buffer>;
    },
  }));
}
