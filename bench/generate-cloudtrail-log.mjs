// Writes a synthetic CloudTrail log file ({"Records":[...]}) of realistic records: mostly human calls,
// some through the AWS MCP server, agent sessions tagged at AssumeRole, and a few violations.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const ACCOUNT = '111122223333';
const NAMES = [
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['s3.amazonaws.com', 'GetBucketAcl', true],
  ['iam.amazonaws.com', 'GetRole', true],
  ['lambda.amazonaws.com', 'ListFunctions20150331', true],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['dynamodb.amazonaws.com', 'DescribeTable', true],
  ['ec2.amazonaws.com', 'RunInstances', false],
  ['iam.amazonaws.com', 'PutRolePolicy', false],
  ['s3.amazonaws.com', 'DeleteBucket', false],
  ['cloudtrail.amazonaws.com', 'StopLogging', false],
];

function hex(n, width) {
  return n.toString(16).padStart(width, '0');
}

function sessionIdentity(i, agentKey) {
  const session = agentKey ? `agent-${i % 97}` : `user${i % 500}@example.com`;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLE00001:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Developer/${session}`,
    accountId: ACCOUNT,
    accessKeyId: agentKey ?? `ASIAHUMAN${hex(i % 500, 11).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLE00001',
        arn: `arn:aws:iam::${ACCOUNT}:role/Developer`,
        accountId: ACCOUNT,
        userName: 'Developer',
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-11-20T08:00:00Z', mfaAuthenticated: 'true' },
    },
  };
}

function record(i) {
  const time = new Date(Date.UTC(2026, 10, 20, 9) + i * 50).toISOString().replace(/\.\d+Z$/, 'Z');
  const eventID = `${hex(i, 8)}-1111-4222-8333-${hex(i * 7919, 12)}`;
  const common = {
    eventVersion: '1.11',
    eventTime: time,
    awsRegion: 'us-east-1',
    requestID: `${hex(i * 31, 8)}-aaaa-4bbb-8ccc-${hex(i, 12)}`,
    eventID,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'iam.amazonaws.com' },
    sessionCredentialFromConsole: 'true',
  };
  if (i % 200 === 0) {
    const key = `ASIAAGENT${hex(i, 11).toUpperCase()}`;
    return {
      ...common,
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLECIRUNNER1', arn: `arn:aws:iam::${ACCOUNT}:user/ci`, accountId: ACCOUNT, accessKeyId: 'AKIAEXAMPLECIRUNNER1', userName: 'ci' },
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRole',
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-sdk-js/3.700.0 ua/2.1 os/linux lang/js md/nodejs#24.0.0',
      requestParameters: {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/Developer`,
        roleSessionName: `agent-${i % 97}`,
        durationSeconds: 3600,
        tags: [{ key: 'ai-agent', value: 'true' }, { key: 'run', value: String(i) }],
      },
      responseElements: {
        credentials: { accessKeyId: key, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE', expiration: 'Nov 20, 2026, 11:00:00 PM' },
        assumedRoleUser: { assumedRoleId: `AROAEXAMPLEROLE00001:agent-${i % 97}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Developer/agent-${i % 97}` },
      },
      readOnly: true,
      resources: [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/Developer` }],
    };
  }
  const [eventSource, eventName, readOnly] = NAMES[i % 7 === 0 ? 6 + (i % 4) : i % 6];
  const viaMcp = i % 10 === 3;
  const agentKey = i % 10 === 5 ? `ASIAAGENT${hex(Math.floor(i / 200) * 200, 11).toUpperCase()}` : undefined;
  const identity = sessionIdentity(i, agentKey);
  if (viaMcp) identity.invokedBy = 'aws-mcp.amazonaws.com';
  return {
    ...common,
    userIdentity: identity,
    eventSource,
    eventName,
    sourceIPAddress: viaMcp ? 'aws-mcp.amazonaws.com' : `198.51.100.${i % 250}`,
    userAgent: viaMcp ? 'aws-mcp.amazonaws.com' : 'aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#standard md/command#iam.get-role',
    requestParameters: { roleName: 'Developer', bucketName: `bucket-${i % 40}`, instancesSet: { items: [{ instanceId: `i-${hex(i, 17)}` }] }, filterSet: {} },
    responseElements: readOnly ? null : { requestId: `${hex(i, 8)}-0000-4000-8000-000000000000`, _return: true },
    readOnly,
  };
}

/** Writes `count` records to `path` and returns the file size in bytes. */
export function generateCloudTrailLog(path, count) {
  mkdirSync(dirname(path), { recursive: true });
  const records = Array.from({ length: count }, (_, i) => record(i));
  const text = JSON.stringify({ Records: records });
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

/**
 * Writes JSON Lines of generated records until the file holds at least `bytes`, streaming (never the whole
 * file in memory); returns the size and record count.
 */
export function generateJsonLines(path, bytes) {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  let size = 0;
  let count = 0;
  while (size < bytes) {
    const lines = [];
    for (let i = 0; i < 10_000; i++) lines.push(JSON.stringify(record(count++)));
    const chunk = `${lines.join('\n')}\n`;
    writeSync(fd, chunk);
    size += Buffer.byteLength(chunk);
  }
  closeSync(fd);
  return { bytes: size, records: count };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [path = 'bench/.data/cloudtrail-100k.json', count = '100000'] = process.argv.slice(2);
  process.stdout.write(`${generateCloudTrailLog(path, Number(count))} bytes\n`);
}
