import type { Finding } from '../functions/core/detect/finding.ts';

/**
 * One finding as the replay JSON contract of DESIGN.md §5 (field names and order are the contract).
 * @example toReplayJson(finding) // '{"eventID":"…","eventName":"DeleteBucket",…,"reason":"…"}'
 */
export function toReplayJson(finding: Finding, sessionUnknown = false): string {
  // Built by hand: this runs once per replayed record, and a literal object per call costs more.
  const str = JSON.stringify;
  const record = finding.detail?.record;
  // What the table shows beside the contract's first fields: when and where, and how far the response reaches.
  const plan = finding.verdict === 'violation' ? finding.detail?.plan : null;
  return (
    `{"eventID":${str(finding.eventID)},"eventName":${str(finding.eventName)},"account":${str(finding.account)},` +
    `"principal":${str(finding.principal)},"agent":${finding.agent},"signals":${str(finding.signals)},` +
    `"verdict":"${finding.verdict}","rule":${str(finding.rule)},"response":${str(finding.response)},` +
    `"reason":${str(finding.reason)},"eventTime":${str(record?.eventTime ?? null)},"region":${str(record?.awsRegion ?? null)},` +
    `"scope":${str(plan?.scope ?? null)},"escalated":${plan ? plan.escalated : null}` +
    `${finding.late ? ',"late":true' : ''}${sessionUnknown ? ',"session":"unknown"' : ''}}`
  );
}

