import { parseArn } from '../cloudtrail/arn.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';
import { wholeSecond } from '../state/guardrail-state.ts';

export type PrincipalKind = 'role-session' | 'user' | 'root' | 'federated' | 'service' | 'account' | 'other';

/** Who made a call, in the terms containment needs. */
export interface Principal {
  readonly kind: PrincipalKind;
  /** The identity as CloudTrail names it (session ARN for role sessions); what reports show. */
  readonly display: string | null;
  /** What containment targets: the role for a role session, the user, the root ARN. */
  readonly arn: string | null;
  readonly account: string;
  readonly partition: string;
  readonly roleName: string | null;
  readonly sessionName: string | null;
  /** `roleId:sessionName`, the principalId of an assumed-role session. */
  readonly roleSessionKey: string | null;
  /** Only keys that look issued by AWS; placeholders such as "REDACTED" never join sessions. */
  readonly accessKeyId: string | null;
  /**
   * `account:sessionName` of a role session: how a session is known before it exists when AWS names it
   * after what runs it, a Lambda function's name or an EC2 instance's id (see delegatedSessionsOf).
   */
  readonly delegatedKey: string | null;
  /**
   * When the session's credentials were issued (epoch ms, whole seconds), from the record's
   * sessionContext.attributes.creationDate: with the session's name it names one session, where the name alone
   * is the caller's choice and may be reused (every GitHub Actions job is `GitHubActions`).
   */
  readonly issuedAt: number | null;
  /**
   * The IAM user that issued a federated user's session (GetFederationToken): its policies bound the session,
   * so a deny written there, on the federated session's aws:userid, contains that session alone.
   */
  readonly issuerArn?: string | null;
  readonly isServiceLinked: boolean;
  readonly isIdentityCenter: boolean;
}

const ACCESS_KEY = /^[A-Z0-9]{16,128}$/;
// CloudTrail writes creationDate as ISO 8601, extended (2026-11-20T09:00:00Z) or, in older records, basic
// (20131102T010628Z): https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
const BASIC_ISO = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** A session's issue time from its creationDate, to the second; null when absent or unreadable. */
export function issueTimeOf(creationDate: string | undefined): number | null {
  if (!creationDate) return null;
  const basic = BASIC_ISO.exec(creationDate);
  const parsed = basic ? Date.UTC(+basic[1]!, +basic[2]! - 1, +basic[3]!, +basic[4]!, +basic[5]!, +basic[6]!) : Date.parse(creationDate);
  return Number.isFinite(parsed) ? wholeSecond(parsed) : null;
}
const KIND_OF_TYPE: Readonly<Record<string, PrincipalKind>> = {
  Root: 'root',
  IAMUser: 'user',
  FederatedUser: 'federated',
  AWSService: 'service',
  AWSAccount: 'account',
};

/**
 * Identifies the principal of a validated record.
 * @example identifyPrincipal(record).arn // 'arn:aws:iam::111122223333:role/Dev' for a Dev role session
 */
export function identifyPrincipal(record: CloudTrailRecord): Principal {
  const identity = record.userIdentity;
  const account = identity.accountId ?? record.recipientAccountId!;
  const arn = identity.arn ? parseArn(identity.arn) : null;
  const partition = arn?.partition ?? 'aws';
  const accessKeyId = identity.accessKeyId && ACCESS_KEY.test(identity.accessKeyId) ? identity.accessKeyId : null;
  const display = identity.arn ?? identity.principalId ?? identity.invokedBy ?? null;
  const issuedAt = issueTimeOf(identity.sessionContext?.attributes?.creationDate);

  if (arn && arn.resource.startsWith('assumed-role/')) {
    const slash = arn.resource.indexOf('/', 13);
    const roleName = slash < 0 ? arn.resource.slice(13) : arn.resource.slice(13, slash);
    const roleArn = identity.sessionContext?.sessionIssuer?.arn ?? `arn:${partition}:iam::${arn.account}:role/${roleName}`;
    const sessionName = slash < 0 ? null : arn.resource.slice(slash + 1);
    return {
      kind: 'role-session',
      display,
      arn: roleArn,
      account: arn.account,
      partition,
      roleName,
      sessionName,
      roleSessionKey: identity.principalId?.includes(':') ? identity.principalId : null,
      accessKeyId,
      delegatedKey: sessionName === null ? null : delegatedKeyOf(arn.account, roleName, sessionName),
      issuedAt,
      // Service-linked roles live under the aws-service-role/ path and are named AWSServiceRoleFor*.
      isServiceLinked: roleArn.includes(':role/aws-service-role/') || roleName.startsWith('AWSServiceRoleFor'),
      isIdentityCenter: roleName.startsWith('AWSReservedSSO_'),
    };
  }
  const kind = KIND_OF_TYPE[identity.type ?? 'Unknown'] ?? 'other';
  const issuer = kind === 'federated' ? identity.sessionContext?.sessionIssuer : undefined;
  return {
    kind,
    display,
    arn: identity.type === 'Root' ? identity.arn ?? `arn:${partition}:iam::${account}:root` : identity.type === 'AWSService' || identity.type === 'AWSAccount' ? null : identity.arn ?? null,
    account,
    partition,
    roleName: null,
    sessionName: null,
    // A federated user's aws:userid is `account:name` (its principalId), which names its session.
    roleSessionKey: kind === 'federated' && identity.principalId?.includes(':') ? identity.principalId : null,
    accessKeyId,
    delegatedKey: null,
    issuerArn: issuer?.type === 'IAMUser' && issuer.arn ? issuer.arn : null,
    // Only temporary credentials (GetSessionToken, GetFederationToken) have an issue time IAM can bind.
    issuedAt: accessKeyId?.startsWith('ASIA') ? issuedAt : null,
    isServiceLinked: false,
    isIdentityCenter: false,
  };
}

// EC2 names an instance profile's session after the instance id, which no caller picks by accident.
const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

/**
 * The key of a session AWS mints for code an agent launched, before the session exists: Lambda names the
 * execution role's session after the function, so the key is the role and the function (a person's session
 * on another role, named like the function, is not it); EC2 names it after the instance id.
 * @example delegatedKeyOf('111122223333', 'app-role', 'my-function') // '111122223333:app-role/my-function'
 */
export function delegatedKeyOf(account: string, roleName: string | null, sessionName: string): string {
  return INSTANCE_ID.test(sessionName) || roleName === null ? `${account}:${sessionName}` : `${account}:${roleName}/${sessionName}`;
}

/**
 * The principal an operator names by ARN (a role or a user), in the shape containment uses.
 * @example principalFromArn('arn:aws:iam::111122223333:role/DevOps')?.roleName // 'DevOps'
 */
export function principalFromArn(text: string): Principal | null {
  const arn = parseArn(text);
  if (!arn || arn.service !== 'iam' || !/^\d{12}$/.test(arn.account)) return null;
  const match = /^(role|user)\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/.exec(arn.resource);
  if (!match) return null;
  const isRole = match[1] === 'role';
  const name = match[2]!;
  return {
    kind: isRole ? 'role-session' : 'user',
    display: text,
    arn: text,
    account: arn.account,
    partition: arn.partition,
    roleName: isRole ? name : null,
    sessionName: null,
    roleSessionKey: null,
    accessKeyId: null,
    delegatedKey: null,
    issuedAt: null,
    isServiceLinked: isRole && (arn.resource.startsWith('role/aws-service-role/') || name.startsWith('AWSServiceRoleFor')),
    isIdentityCenter: isRole && name.startsWith('AWSReservedSSO_'),
  };
}

/**
 * True when the principal's calls may belong to a recorded session: a role session, or temporary (ASIA…)
 * credentials of a user or federated user (minted by GetSessionToken or GetFederationToken).
 */
export function holdsSession(principal: Principal): boolean {
  return principal.kind === 'role-session' || (principal.accessKeyId?.startsWith('ASIA') ?? false);
}
