import { createColors } from 'picocolors';
import type { Finding, Verdict } from '../../functions/core/detect/finding.ts';
import { parseArn } from '../../functions/core/cloudtrail/arn.ts';
import { safeText } from '../../functions/core/safe-text.ts';

type Colors = ReturnType<typeof createColors>;

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColour(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

const NATURAL = { time: 20, account: 12, region: 14, verdict: 10, response: 15 } as const;
const RULE = { min: 16, natural: 26 } as const;
const PRINCIPAL = { min: 14, natural: 40, max: 60 } as const;
// Room wanted for principal and rule together before the time and region give way (role/session names and
// rule ids are what tell rows apart).
const WANTED = 48;
// On a narrow terminal the time loses its year and seconds' zone first (MM-DD HH:MM:SS), then the region goes.
const SHORT_TIME = 14;

export interface TableLayout {
  readonly time: number;
  /** 0 when the region column was dropped to fit. */
  readonly region: number;
  readonly principal: number;
  readonly rule: number;
  /** Total line width, or null when output is not a terminal (nothing is cut to fit). */
  readonly width: number | null;
  readonly colors: Colors;
}

/** Column widths fitted to a terminal of `columns` characters (null: not a terminal). */
export function tableLayout(columns: number | null, colour: boolean): TableLayout {
  const colors = createColors(colour);
  if (columns === null) return { time: NATURAL.time, region: NATURAL.region, principal: PRINCIPAL.natural, rule: RULE.natural, width: null, colors };
  const width = columns - 1;
  let time: number = NATURAL.time;
  let region: number = NATURAL.region;
  const fixed = () => time + NATURAL.account + region + NATURAL.verdict + NATURAL.response + (region ? 6 : 5);
  if (width - fixed() < WANTED) time = SHORT_TIME;
  if (width - fixed() < WANTED) region = 0;
  const rest = width - fixed();
  const rule = Math.max(RULE.min, Math.min(RULE.natural, rest - WANTED / 2));
  const principal = Math.max(PRINCIPAL.min, Math.min(PRINCIPAL.max, rest - rule));
  return { time, region, principal, rule, width, colors };
}

function cell(text: string, width: number): string {
  const safe = safeText(text);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe.padEnd(width);
}

function fit(line: string, layout: TableLayout): string {
  return layout.width !== null && line.length > layout.width ? `${line.slice(0, layout.width - 1)}…` : line;
}

/**
 * The principal as people tell it apart: role/session for a role session (alice, the agent and bob on one
 * role differ only there), user/name, root, or the service that acted.
 */
export function shortPrincipal(finding: Finding): string {
  const principal = finding.detail?.principal;
  if (!principal) return finding.principal ?? '-';
  switch (principal.kind) {
    case 'role-session':
      return `${principal.roleName ?? '?'}/${principal.sessionName ?? '?'}`;
    case 'root':
      return 'root';
    case 'service':
      return finding.detail!.record.userIdentity.invokedBy ?? 'AWS service';
    default: {
      // user/name, federated-user/name: the ARN's resource.
      const display = principal.display ?? '-';
      return parseArn(display)?.resource ?? display;
    }
  }
}

const VERDICT_COLOUR: Record<Verdict, keyof Colors> = {
  violation: 'red',
  protected: 'yellow',
  exempt: 'cyan',
  invalid: 'magenta',
  allow: 'dim',
};

function columns(layout: TableLayout, time: string, account: string, region: string, principal: string, verdict: string, rule: string, response: string): string[] {
  return [
    cell(time, layout.time),
    cell(account, NATURAL.account),
    ...(layout.region ? [cell(region, layout.region)] : []),
    cell(principal, layout.principal),
    cell(verdict, NATURAL.verdict),
    cell(rule, layout.rule),
    response,
  ];
}

export function tableHeader(layout: TableLayout): string {
  return layout.colors.bold(fit(columns(layout, 'TIME', 'ACCOUNT', 'REGION', 'PRINCIPAL', 'VERDICT', 'RULE', 'RESPONSE').join(' '), layout));
}

function timeCell(eventTime: string | undefined, width: number): string {
  if (!eventTime) return '-';
  const iso = eventTime.replace(/\.\d+Z$/, 'Z');
  return width < NATURAL.time ? `${iso.slice(5, 10)} ${iso.slice(11, 19)}` : iso;
}

/**
 * One finding as a table row; anything but an allow gets its reason on a second line. `*` marks a late
 * verdict, `?` a principal whose session began before the replay (its tags are unknown).
 */
export function tableRow(finding: Finding, sessionUnknown: boolean, layout: TableLayout): string {
  const record = finding.detail?.record;
  const cells = columns(
    layout,
    timeCell(record?.eventTime, layout.time),
    finding.account ?? '-',
    record?.awsRegion ?? '-',
    `${shortPrincipal(finding)}${sessionUnknown ? ' ?' : ''}`,
    finding.late ? `${finding.verdict}*` : finding.verdict,
    finding.rule ?? '-',
    finding.response ?? '-',
  );
  const verdictIndex = cells.length - 3;
  const colour = layout.colors[VERDICT_COLOUR[finding.verdict]] as (text: string) => string;
  // Cut to fit first, then colour the verdict cell (escape codes take no room on screen).
  const plain = fit(cells.join(' '), layout);
  const verdictAt = cells.slice(0, verdictIndex).reduce((sum, text) => sum + text.length + 1, 0);
  const line = plain.length > verdictAt ? `${plain.slice(0, verdictAt)}${colour(plain.slice(verdictAt, verdictAt + NATURAL.verdict))}${plain.slice(verdictAt + NATURAL.verdict)}` : plain;
  if (finding.verdict === 'allow') return line;
  return `${line}\n${layout.colors.dim(fit(`  ${finding.eventName ?? '-'}: ${safeText(finding.reason)}`, layout))}`;
}
