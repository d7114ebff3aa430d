import type { Finding, Verdict } from '../../functions/core/detect/finding.ts';
import { VERDICTS } from '../../functions/core/detect/finding.ts';
import { UsageError } from '../../functions/core/errors.ts';
import type { CompiledPolicy } from '../../functions/core/policy/compile-policy.ts';

const RELATIVE = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * An ISO 8601 time or a time relative to now (`30m`, `24h`, `7d`, `2w` ago), as epoch milliseconds.
 * @example parseTime('24h', Date.parse('2026-11-26T12:00:00Z'), '--since') // Date.parse('2026-11-25T12:00:00Z')
 */
export function parseTime(text: string, now: number, option: string): number {
  const relative = RELATIVE.exec(text);
  if (relative) return now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (!Number.isNaN(at)) return at;
  }
  throw new UsageError(`${option} must be an ISO 8601 time (2026-11-25T08:00:00Z) or relative (30m, 24h, 7d, 2w), not "${text}"`);
}

export interface FilterOptions {
  readonly verdict?: readonly string[];
  readonly rule?: readonly string[];
  readonly account?: readonly string[];
  readonly since?: string;
  readonly until?: string;
}

export interface FindingFilter {
  /** Events outside the window are read (their sessions and tags still count) but neither shown nor counted. */
  inWindow(finding: Finding): boolean;
  /** Rows that pass --verdict, --rule and --account. */
  selects(finding: Finding): boolean;
  /** Whether --verdict names this verdict (then it is shown, even where it would be hidden by default). */
  asksFor(verdict: Verdict): boolean;
  readonly since: number | null;
  readonly until: number | null;
}

function list(values: readonly string[] | undefined): Set<string> | null {
  const items = values?.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean);
  return items && items.length > 0 ? new Set(items) : null;
}

/** The rule ids --rule can name: the policy's and the built-in ones. */
export function knownRuleIds(policy: CompiledPolicy): string[] {
  return [...policy.rules.map((rule) => rule.id), policy.tamperRule.id, policy.signalDropRule.id];
}

/**
 * Builds the row filter and time window from the command's options; bad values are usage errors, a --rule no
 * rule has among them (a typo would otherwise show nothing, silently).
 */
export function createFindingFilter(options: FilterOptions, now = Date.now(), knownRules: readonly string[] | null = null): FindingFilter {
  const verdicts = list(options.verdict);
  for (const verdict of verdicts ?? []) {
    if (!VERDICTS.includes(verdict as Verdict)) throw new UsageError(`--verdict must be one of ${VERDICTS.join(', ')}, not "${verdict}"`);
  }
  const rules = list(options.rule);
  const unknown = knownRules ? [...(rules ?? [])].filter((rule) => !knownRules.includes(rule)) : [];
  if (unknown.length > 0) throw new UsageError(`--rule ${unknown.join(', ')}: no such rule; the rules are ${knownRules!.join(', ')}`);
  const accounts = list(options.account);
  for (const account of accounts ?? []) {
    if (!/^\d{12}$/.test(account)) throw new UsageError(`--account must be a 12-digit account id, not "${account}"`);
  }
  const since = options.since === undefined ? null : parseTime(options.since, now, '--since');
  const until = options.until === undefined ? null : parseTime(options.until, now, '--until');
  if (since !== null && until !== null && since > until) throw new UsageError('--since is after --until');
  return {
    since,
    until,
    inWindow(finding) {
      if (since === null && until === null) return true;
      const time = finding.detail?.record.eventTime;
      // Invalid input has no time to place it by; it is reported, since it may be why an event went unseen.
      if (time === undefined) return true;
      const at = Date.parse(time);
      return (since === null || at >= since) && (until === null || at <= until);
    },
    asksFor(verdict) {
      return verdicts?.has(verdict) ?? false;
    },
    selects(finding) {
      if (verdicts && !verdicts.has(finding.verdict)) return false;
      if (rules && (finding.rule === null || !rules.has(finding.rule))) return false;
      if (accounts && (finding.account === null || !accounts.has(finding.account))) return false;
      return true;
    },
  };
}
