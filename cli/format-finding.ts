import type { Finding } from '../functions/core/detect/finding.ts';
import { safeText } from '../functions/core/safe-text.ts';

/**
 * One finding as the replay JSON contract of DESIGN.md §5 (field names and order are the contract).
 * @example toReplayJson(finding) // '{"eventID":"…","eventName":"DeleteBucket",…,"reason":"…"}'
 */
export function toReplayJson(finding: Finding): string {
  // Built by hand: this runs once per replayed record, and a literal object per call costs more.
  const str = JSON.stringify;
  return (
    `{"eventID":${str(finding.eventID)},"eventName":${str(finding.eventName)},"account":${str(finding.account)},` +
    `"principal":${str(finding.principal)},"agent":${finding.agent},"signals":${str(finding.signals)},` +
    `"verdict":"${finding.verdict}","rule":${str(finding.rule)},"response":${str(finding.response)},` +
    `"reason":${str(finding.reason)}${finding.late ? ',"late":true' : ''}}`
  );
}


function cell(text: string, width: number): string {
  const safe = safeText(text);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe.padEnd(width);
}

export const TABLE_HEADER = `${cell('VERDICT', 10)} ${cell('EVENT', 26)} ${cell('ACCOUNT', 12)} ${cell('PRINCIPAL', 44)} ${cell('SIGNALS', 24)} ${cell('RULE', 24)} RESPONSE`;

/** One finding as a table row for people; anything but an allow gets its reason on a second line. */
export function toTableRow(finding: Finding): string {
  const verdict = finding.late ? `${finding.verdict}*` : finding.verdict;
  const row = [
    cell(verdict, 10),
    cell(finding.eventName ?? '-', 26),
    cell(finding.account ?? '-', 12),
    cell(finding.principal ?? '-', 44),
    cell(finding.signals.join(',') || '-', 24),
    cell(finding.rule ?? '-', 24),
    finding.response ?? '-',
  ].join(' ');
  return finding.verdict === 'allow' ? row : `${row}\n           ${safeText(finding.reason)}`;
}
