import { parseArn } from '../cloudtrail/arn.ts';
import type { CloudTrailRecord } from '../cloudtrail/record-schema.ts';

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
  readonly isServiceLinked: boolean;
  readonly isIdentityCenter: boolean;
}

const ACCESS_KEY = /^[A-Z0-9]{16,128}$/;
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

  if (arn && arn.resource.startsWith('assumed-role/')) {
    const slash = arn.resource.indexOf('/', 13);
    const roleName = slash < 0 ? arn.resource.slice(13) : arn.resource.slice(13, slash);
    const roleArn = identity.sessionContext?.sessionIssuer?.arn ?? `arn:${partition}:iam::${arn.account}:role/${roleName}`;
    return {
      kind: 'role-session',
      display,
      arn: roleArn,
      account: arn.account,
      partition,
      roleName,
      sessionName: slash < 0 ? null : arn.resource.slice(slash + 1),
      roleSessionKey: identity.principalId?.includes(':') ? identity.principalId : null,
      accessKeyId,
      delegatedKey: slash < 0 ? null : `${arn.account}:${arn.resource.slice(slash + 1)}`,
      // Service-linked roles live under the aws-service-role/ path and are named AWSServiceRoleFor*.
      isServiceLinked: roleArn.includes(':role/aws-service-role/') || roleName.startsWith('AWSServiceRoleFor'),
      isIdentityCenter: roleName.startsWith('AWSReservedSSO_'),
    };
  }
  return {
    kind: KIND_OF_TYPE[identity.type ?? 'Unknown'] ?? 'other',
    display,
    arn: identity.type === 'Root' ? identity.arn ?? `arn:${partition}:iam::${account}:root` : identity.type === 'AWSService' || identity.type === 'AWSAccount' ? null : identity.arn ?? null,
    account,
    partition,
    roleName: null,
    sessionName: null,
    roleSessionKey: null,
    accessKeyId,
    delegatedKey: null,
    isServiceLinked: false,
    isIdentityCenter: false,
  };
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
