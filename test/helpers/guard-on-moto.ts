import { createMemberAccount, createSecurityAccount, policyFile, useMoto } from '../integration/aws-fixture.ts';
import { startRecordingProxy } from './recording-proxy.ts';

export type GuardHandler = (event: unknown, context: { getRemainingTimeInMillis(): number }) => Promise<Record<string, unknown>>;

/**
 * The deployed guard handler in enforce mode against moto, its SDK clients behind a recording proxy: its own
 * state table and topic, and member accounts with the responder and the roles named.
 * @example const { guard, proxy } = await guardOnMoto('my-table', { '111122223333': ['DevOps'] });
 */
export async function guardOnMoto(table: string, accounts: Readonly<Record<string, readonly string[]>>): Promise<{ guard: GuardHandler; proxy: Awaited<ReturnType<typeof startRecordingProxy>> }> {
  const moto = useMoto();
  const security = await createSecurityAccount(table);
  for (const [account, roles] of Object.entries(accounts)) await createMemberAccount(account, roles);
  const proxy = await startRecordingProxy(moto);
  Object.assign(process.env, { AWS_ENDPOINT_URL: proxy.endpoint, STATE_TABLE: table, TOPIC_ARN: security.topicArn, POLICY_FILE: policyFile('enforce') });
  const guard = ((await import('../../functions/guard/handler.ts')) as { handler: GuardHandler }).handler;
  return { guard, proxy };
}
