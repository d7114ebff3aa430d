import { Logger } from '@aws-lambda-powertools/logger';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { compilePolicyText } from '../../functions/config/load-policy-file.ts';
import { processEvent } from '../../functions/core/pipeline/process-event.ts';
import type { PipelineDependencies } from '../../functions/core/pipeline/ports.ts';
import type { PolicyDocument } from '../../functions/core/respond/policy-document.ts';
import { InMemoryState } from '../../functions/core/state/in-memory-state.ts';
import { eventsOf } from './case-events.ts';
import { FakeIam } from './fake-iam.ts';
import { ALLOW_ALL, authorize } from './simulate.ts';

/**
 * What the red-team and precision suites share: a case's CloudTrail events run through the guard's pipeline
 * (enforce mode, the shipped policy, in-memory state and IAM), then each move of an agent or a person judged
 * by iam-simulate against the documents and SCPs the guard left, with IAM's request context written out in
 * full, and against the key and login-profile effects it applied.
 */
export interface Actor {
  readonly account: string;
  /** A role session: the role, its id and the session name; or an IAM user. */
  readonly role?: string;
  readonly roleId?: string;
  readonly session?: string;
  readonly user?: string;
  readonly userId?: string;
  /** A federated user's session (GetFederationToken): its name; `user` is the IAM user that issued it. */
  readonly federated?: string;
  readonly accessKeyId?: string;
  /** Signs in with the user's console password (fails once the login profile is deleted). */
  readonly consolePassword?: boolean;
  readonly tokenIssuedAt?: string;
  readonly viaMcp?: boolean;
  readonly tags?: Record<string, string>;
  readonly sourceIdentity?: string;
}

export interface Move {
  readonly who: 'agent' | 'human';
  /** Who makes it, for counting people and agents (defaults to the description). */
  readonly actor?: string;
  readonly description: string;
  readonly as: Actor;
  readonly action: string;
  readonly resource: string;
  readonly at: string;
  readonly expect: 'denied' | 'allowed';
}

export interface ContainmentCase {
  readonly name: string;
  readonly description: string;
  /** IAM before the events: access keys and the users owning them, console passwords, per account. */
  readonly iam?: Record<string, { keys?: Record<string, string>; loginProfiles?: string[] }>;
  readonly events: readonly (string | Record<string, unknown>)[];
  readonly moves: readonly Move[];
  /** Words the ledger's reasons must contain (what the finding tells the operator). */
  readonly reasonIncludes?: readonly string[];
}

const ROOT = new URL('../../', import.meta.url).pathname;

export interface Contained {
  readonly accounts: Map<string, FakeIam>;
  /** The organization's SCPs as the guard left them (scp-deny and the SCP fallback), by name. */
  readonly scps: Map<string, PolicyDocument>;
  readonly reasons: string[];
}

/** Runs the case's events through the guard; returns IAM and the SCPs as the guard left them. */
export async function contain(testCase: ContainmentCase): Promise<Contained> {
  const scps = new Map<string, PolicyDocument>();
  const scpPort = {
    getScp: async (name: string) => scps.get(name) ?? null,
    putScp: async (name: string, document: PolicyDocument) => void scps.set(name, document),
    deleteScp: async (name: string) => void scps.delete(name),
  };
  const policy = await compilePolicyText(readFileSync(join(ROOT, 'guardrail.yaml'), 'utf8').replace(/^mode: \w+/m, 'mode: enforce'), 'guardrail.yaml');
  const accounts = new Map<string, FakeIam>();
  for (const [account, seed] of Object.entries(testCase.iam ?? {})) {
    const iam = new FakeIam();
    for (const [key, user] of Object.entries(seed.keys ?? {})) {
      iam.keys.set(key, 'Active');
      iam.keyOwners.set(key, user);
    }
    for (const user of seed.loginProfiles ?? []) iam.loginProfiles.add(user);
    accounts.set(account, iam);
  }
  const clock = { now: 0 };
  const state = new InMemoryState();
  let id = 0;
  const deps: PipelineDependencies = {
    policy,
    state,
    ports: {
      async iamFor(account) {
        if (!accounts.has(account)) accounts.set(account, new FakeIam());
        return accounts.get(account)!;
      },
      async scp() {
        return scpPort;
      },
    },
    notifier: { notify: async () => undefined },
    logger: new Logger({ serviceName: 'containment-harness', logLevel: 'SILENT' }),
    newId: () => `id-${++id}`,
    now: () => clock.now,
  };
  for (const event of testCase.events.flatMap(eventsOf)) {
    // The guard applies containment two seconds after the call (CloudTrail delivery and the pipeline).
    const detail = (event as { detail?: { eventTime?: string } }).detail;
    clock.now = Date.parse(detail?.eventTime ?? '2026-11-20T09:00:00Z') + 2_000;
    // What the call itself did in IAM, where a move's fate depends on it: a key put back Active, a password set.
    applyCall(detail as Record<string, unknown> | undefined, accounts);
    // A containment that fails is a finding of the suite, not a thrown test.
    const result = await processEvent(event, deps, { deadline: clock.now + 60_000 }).catch((error: unknown) => ({ status: 'failed', error: (error as Error).message }));
    expect(result, `the guard on ${JSON.stringify(detail).slice(0, 120)}`).toMatchObject({ status: 'processed' });
  }
  return { accounts, scps, reasons: state.ledger.map((entry) => entry.reason) };
}

/** The effect of a successful call on the account's keys and passwords, as AWS would have applied it. */
function applyCall(detail: Record<string, unknown> | undefined, accounts: Map<string, FakeIam>): void {
  if (!detail || detail.errorCode || detail.eventSource !== 'iam.amazonaws.com') return;
  const request = (detail.requestParameters ?? {}) as Record<string, unknown>;
  const iam = accounts.get(String(detail.recipientAccountId));
  if (!iam) return;
  if (detail.eventName === 'UpdateAccessKey' && typeof request.accessKeyId === 'string' && (request.status === 'Active' || request.status === 'Inactive')) iam.keys.set(request.accessKeyId, request.status);
  if (detail.eventName === 'CreateLoginProfile' && typeof request.userName === 'string') iam.loginProfiles.add(request.userName);
}

/** IAM's request context for a move, written out in full. */
function requestOf(move: Move): { principal: string; context: Record<string, string> } {
  const a = move.as;
  const context: Record<string, string> = {
    'aws:PrincipalAccount': a.account,
    'aws:SecureTransport': 'true',
    'aws:CurrentTime': move.at,
    'aws:ViaAWSMCPService': a.viaMcp ? 'true' : 'false',
  };
  if (a.viaMcp) context['aws:CalledViaAWSMCP'] = 'aws-mcp.amazonaws.com';
  if (a.tokenIssuedAt) context['aws:TokenIssueTime'] = a.tokenIssuedAt;
  if (a.sourceIdentity) context['aws:SourceIdentity'] = a.sourceIdentity;
  for (const [key, value] of Object.entries(a.tags ?? {})) context[`aws:PrincipalTag/${key}`] = value;
  if (a.role) {
    context['aws:PrincipalArn'] = `arn:aws:iam::${a.account}:role/${a.role}`;
    context['aws:userid'] = `${a.roleId}:${a.session}`;
    context['aws:PrincipalType'] = 'AssumedRole';
    return { principal: `arn:aws:sts::${a.account}:assumed-role/${a.role}/${a.session}`, context };
  }
  if (a.federated) {
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html (aws:userid of a federated user: account:caller-specified-name)
    const arn = `arn:aws:sts::${a.account}:federated-user/${a.federated}`;
    Object.assign(context, { 'aws:PrincipalArn': arn, 'aws:userid': `${a.account}:${a.federated}`, 'aws:PrincipalType': 'FederatedUser' });
    return { principal: arn, context };
  }
  context['aws:PrincipalArn'] = `arn:aws:iam::${a.account}:user/${a.user}`;
  context['aws:userid'] = a.userId!;
  context['aws:PrincipalType'] = 'User';
  return { principal: context['aws:PrincipalArn'], context };
}

/** The decision on one move: a deactivated access key fails before IAM policy is even evaluated. */
export async function judge(move: Move, { accounts, scps }: Contained): Promise<string> {
  const iam = accounts.get(move.as.account) ?? new FakeIam();
  if (move.as.accessKeyId && iam.keys.get(move.as.accessKeyId) === 'Inactive') return 'KeyInactive';
  if (move.as.consolePassword && !iam.loginProfiles.has(move.as.user!)) return 'NoLoginProfile';
  const identity = move.as.role ? `role/${move.as.role}` : `user/${move.as.user}`;
  const documents = [...(iam.inline.get(identity) ?? new Map()).entries()].map(([name, policy]) => ({ name, policy }));
  const managed = [...(iam.attached.get(identity) ?? new Set())].map((arn) => ({ name: arn, policy: iam.managed.get(arn.slice(arn.lastIndexOf('/') + 1)) }));
  const { principal, context } = requestOf(move);
  return authorize({
    principal,
    action: move.action,
    resource: move.resource,
    resourceAccount: move.as.account,
    identityPolicies: [{ name: 'application', policy: ALLOW_ALL }, ...documents, ...managed],
    context,
    scps: [...scps.entries()].filter(([name]) => name.endsWith(move.as.account)).map(([, policy]) => policy),
  });
}
