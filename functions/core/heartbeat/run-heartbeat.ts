import { forwardingProblems, type ExpectedForwarding, type MemberObservation } from './forwarding-check.ts';

export interface HeartbeatPorts {
  /** The accounts that must have the member stack. */
  accounts(): Promise<readonly string[]>;
  /** Each member region of one account, as found through its responder role. */
  probe(account: string): Promise<readonly MemberObservation[]>;
}

export interface SilentAccount {
  readonly account: string;
  /** `region: problem` for each thing that keeps the account's events or containment from the guardrail. */
  readonly problems: readonly string[];
}

export interface HeartbeatResult {
  /** Every account checked, silent or not. */
  readonly accounts: readonly string[];
  readonly silent: readonly SilentAccount[];
}

/** Accounts probed at once: enough to finish an organization of thousands within the function's timeout. */
const CONCURRENCY = 8;

/**
 * Checks every account in scope: its responder role can be assumed, and in every member region each
 * forwarding rule exists, is in the state that receives read-only events, and still targets the central bus.
 * A probe that throws counts the account silent (never dropped): an account the heartbeat cannot read is
 * one the guardrail cannot vouch for.
 */
export async function runHeartbeat(ports: HeartbeatPorts, expected: ExpectedForwarding): Promise<HeartbeatResult> {
  const accounts = [...(await ports.accounts())];
  const silent: SilentAccount[] = [];
  let next = 0;
  const worker = async () => {
    while (next < accounts.length) {
      const account = accounts[next++]!;
      let problems: string[];
      try {
        problems = (await ports.probe(account)).flatMap((observation) => forwardingProblems(observation, expected).map((p) => `${observation.region}: ${p}`));
      } catch (error) {
        problems = [`probe failed: ${(error as Error).message ?? String(error)}`];
      }
      if (problems.length > 0) silent.push({ account, problems });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, accounts.length) }, worker));
  return { accounts: accounts.sort(), silent: silent.sort((a, b) => a.account.localeCompare(b.account)) };
}
