import type { Move } from './containment-harness.ts';

/**
 * CloudTrail records as EventBridge delivers them, built from the documented shapes: the userIdentity element
 * with sessionContext.attributes.creationDate
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html) and
 * the STS AssumeRole record (https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html); and
 * the moves the containment harness judges.
 */
export const ACCOUNT = '111122223333';
export const T = (minute: number, second = 0) => `2026-11-20T09:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`;
export const LATER = '2026-11-20T10:30:00Z';

export interface User {
  readonly name: string;
  readonly id: string;
  readonly key: string;
}
export interface Session {
  readonly role: string;
  readonly roleId: string;
  readonly name: string;
  readonly key: string;
  readonly issuedAt: string;
}

export const user = (name: string, n: number): User => ({
  name,
  id: `AIDAEXAMPLE${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(6, 'X').slice(0, 6)}${String(n).padStart(3, '0')}`,
  key: `AKIAEXAMPLE${name.toUpperCase().replace(/[^A-Z]/g, '').padEnd(6, 'X').slice(0, 6)}${String(n).padStart(3, '0')}`,
});
export const roleIdOf = (role: string) => `AROAEXAMPLE${role.toUpperCase().replace(/[^A-Z]/g, '').padEnd(9, 'X').slice(0, 9)}`;
export const session = (role: string, name: string, key: string, issuedAt: string): Session => ({ role, roleId: roleIdOf(role), name, key, issuedAt });

let sequence = 0;
/** One CloudTrail record as EventBridge delivers it from the member account. */
export function envelope(detail: Record<string, unknown>): Record<string, unknown> {
  sequence++;
  const eventID = `d0000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
  const service = String(detail.eventSource).split('.')[0];
  return {
    version: '0',
    id: `precision-${sequence}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: `aws.${service}`,
    account: ACCOUNT,
    time: detail.eventTime,
    region: 'us-east-1',
    resources: [],
    detail: {
      eventVersion: '1.11',
      eventID,
      awsRegion: 'us-east-1',
      recipientAccountId: ACCOUNT,
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-cli/2.15.0',
      requestID: `r-${sequence}`,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      eventCategory: 'Management',
      ...detail,
    },
  };
}

export const userIdentity = (u: User) => ({ type: 'IAMUser', principalId: u.id, arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`, accountId: ACCOUNT, accessKeyId: u.key, userName: u.name });
export const sessionIdentity = (s: Session) => ({
  type: 'AssumedRole',
  principalId: `${s.roleId}:${s.name}`,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${s.role}/${s.name}`,
  accountId: ACCOUNT,
  accessKeyId: s.key,
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: s.roleId, arn: `arn:aws:iam::${ACCOUNT}:role/${s.role}`, accountId: ACCOUNT, userName: s.role },
    attributes: { creationDate: s.issuedAt, mfaAuthenticated: 'false' },
  },
});

/** `by` (a user's key or a session) assumes `into`, tagged for an agent or not; the STS record of it. */
export function assumeRole(by: User | Session, into: Session, tagged: boolean): Record<string, unknown> {
  return envelope({
    eventTime: into.issuedAt,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    readOnly: true,
    userIdentity: 'role' in by ? sessionIdentity(by) : userIdentity(by),
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${into.role}`, roleSessionName: into.name, durationSeconds: 3600, ...(tagged ? { tags: [{ key: 'ai-agent', value: 'true' }] } : {}) },
    responseElements: {
      credentials: { accessKeyId: into.key, expiration: 'Nov 20, 2026, 11:00:00 AM' },
      assumedRoleUser: { assumedRoleId: `${into.roleId}:${into.name}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${into.role}/${into.name}` },
    },
  });
}

/** GitHub's OIDC provider assumes `into` for a job (every job's session is named GitHubActions). */
export function webIdentity(into: Session, tagged: boolean): Record<string, unknown> {
  return envelope({
    eventTime: into.issuedAt,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    readOnly: true,
    userIdentity: { type: 'WebIdentityUser', principalId: 'token.actions.githubusercontent.com:sts.amazonaws.com:repo:example/app', userName: 'repo:example/app', identityProvider: 'token.actions.githubusercontent.com', accountId: ACCOUNT },
    requestParameters: { roleArn: `arn:aws:iam::${ACCOUNT}:role/${into.role}`, roleSessionName: into.name, ...(tagged ? { principalTags: { 'ai-agent': 'true' } } : {}) },
    responseElements: {
      credentials: { accessKeyId: into.key, expiration: 'Nov 20, 2026, 11:00:00 AM' },
      assumedRoleUser: { assumedRoleId: `${into.roleId}:${into.name}`, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${into.role}/${into.name}` },
    },
  });
}

export interface CallOptions {
  readonly viaMcp?: boolean;
  readonly userAgent?: string;
  readonly requestParameters?: Record<string, unknown>;
  readonly responseElements?: Record<string, unknown> | null;
}
/** A call by a user's key or a session, directly or through the AWS MCP server. */
export function call(by: User | Session, at: string, eventSource: string, eventName: string, options: CallOptions = {}): Record<string, unknown> {
  const identity = 'role' in by ? sessionIdentity(by) : userIdentity(by);
  return envelope({
    eventTime: at,
    eventSource,
    eventName,
    userIdentity: options.viaMcp ? { ...identity, invokedBy: 'aws-mcp.amazonaws.com' } : identity,
    ...(options.viaMcp ? { sourceIPAddress: 'aws-mcp.amazonaws.com', userAgent: 'aws-mcp.amazonaws.com' } : {}),
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    requestParameters: options.requestParameters ?? null,
    responseElements: options.responseElements ?? null,
  });
}
export const putRolePolicy = (by: User | Session, at: string, options: CallOptions = {}) =>
  call(by, at, 'iam.amazonaws.com', 'PutRolePolicy', { ...options, requestParameters: { roleName: 'App', policyName: 'admin', policyDocument: '{}' } });

/** A move of an agent (must be denied) or a person (must be allowed), by a user's key or a session. */
export function move(who: 'agent' | 'human', actor: string, description: string, as: User | Session, action: string, resource: string, options: { viaMcp?: boolean; tagged?: boolean; at?: string } = {}): Move {
  const identity =
    'role' in as
      ? { account: ACCOUNT, role: as.role, roleId: as.roleId, session: as.name, accessKeyId: as.key, tokenIssuedAt: as.issuedAt }
      : { account: ACCOUNT, user: as.name, userId: as.id, accessKeyId: as.key };
  return {
    who,
    actor,
    description,
    as: { ...identity, ...(options.viaMcp ? { viaMcp: true } : {}), ...(options.tagged ? { tags: { 'ai-agent': 'true' } } : {}) },
    action,
    resource,
    at: options.at ?? LATER,
    expect: who === 'agent' ? 'denied' : 'allowed',
  };
}

/** The account's IAM before a case's events: these users' long-term keys, active. */
export function keysOf(...users: readonly { readonly name: string; readonly key: string }[]) {
  return { [ACCOUNT]: { keys: Object.fromEntries(users.map((u) => [u.key, u.name])) } };
}
