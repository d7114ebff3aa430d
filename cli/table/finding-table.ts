import { createColors } from 'picocolors';
import type { Finding, Verdict } from '../../functions/core/detect/finding.ts';
import { safeText } from '../../functions/core/safe-text.ts';

type Colors = ReturnType<typeof createColors>;

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
export function useColour(stream: NodeJS.WriteStream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '') && env.TERM !== 'dumb';
}

const FIXED = { time: 20, account: 12, region: 14, verdict: 10, rule: 26, response: 15 } as const;
const PRINCIPAL_NATURAL = 40;
const PRINCIPAL_MIN = 12;
const GAPS = 6;

export interface TableLayout {
  readonly principal: number;
  /** Total line width, or null when output is not a terminal (nothing is cut to fit). */
  readonly width: number | null;
  readonly colors: Colors;
}

/** Column widths fitted to a terminal of `columns` characters (null: not a terminal). */
export function tableLayout(columns: number | null, colour: boolean): TableLayout {
  const fixed = Object.values(FIXED).reduce((sum, width) => sum + width, 0) + GAPS;
  const principal = columns === null ? PRINCIPAL_NATURAL : Math.max(PRINCIPAL_MIN, Math.min(PRINCIPAL_NATURAL + 20, columns - 1 - fixed));
  return { principal, width: columns === null ? null : columns - 1, colors: createColors(colour) };
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
      const display = principal.display ?? '-';
      const slash = display.indexOf(':', display.indexOf(':', display.indexOf('::') + 2) + 1);
      return display.startsWith('arn:') && slash > 0 ? display.slice(slash + 1) : display;
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

export function tableHeader(layout: TableLayout): string {
  const line = [
    cell('TIME', FIXED.time),
    cell('ACCOUNT', FIXED.account),
    cell('REGION', FIXED.region),
    cell('PRINCIPAL', layout.principal),
    cell('VERDICT', FIXED.verdict),
    cell('RULE', FIXED.rule),
    'RESPONSE',
  ].join(' ');
  return layout.colors.bold(fit(line, layout));
}

/**
 * One finding as a table row; anything but an allow gets its reason on a second line. `*` marks a late
 * verdict, `?` a principal whose session began before the replay (its tags are unknown).
 */
export function tableRow(finding: Finding, sessionUnknown: boolean, layout: TableLayout): string {
  const record = finding.detail?.record;
  const verdict = cell(finding.late ? `${finding.verdict}*` : finding.verdict, FIXED.verdict);
  const principal = cell(`${shortPrincipal(finding)}${sessionUnknown ? ' ?' : ''}`, layout.principal);
  const line = fit(
    [
      cell(record?.eventTime.replace(/\.\d+Z$/, 'Z') ?? '-', FIXED.time),
      cell(finding.account ?? '-', FIXED.account),
      cell(record?.awsRegion ?? '-', FIXED.region),
      principal,
      verdict,
      cell(finding.rule ?? '-', FIXED.rule),
      finding.response ?? '-',
    ].join(' '),
    layout,
  );
  const colour = layout.colors[VERDICT_COLOUR[finding.verdict]] as (text: string) => string;
  const verdictAt = FIXED.time + FIXED.account + FIXED.region + layout.principal + 4;
  const coloured = line.length > verdictAt ? `${line.slice(0, verdictAt)}${colour(line.slice(verdictAt, verdictAt + FIXED.verdict))}${line.slice(verdictAt + FIXED.verdict)}` : line;
  if (finding.verdict === 'allow') return coloured;
  return `${coloured}\n${layout.colors.dim(fit(`  ${finding.eventName ?? '-'}: ${safeText(finding.reason)}`, layout))}`;
}
