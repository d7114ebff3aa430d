import type { Verdict } from '../../functions/core/detect/finding.ts';
import type { ReplaySummary } from '../replay/replay-summary.ts';
import type { PrincipalTimeline, ReportCollector, ReportedViolation } from './report-collector.ts';

export interface ReportContext {
  readonly summary: ReplaySummary;
  readonly mode: string;
  readonly policyFile: string;
  readonly inputs: readonly string[];
  readonly generatedAt: string;
}

/** Every piece of record text goes through here: the page shows what agents wrote, never runs it. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const h = escapeHtml;

const COLOURS: Record<Verdict, string> = { violation: '#c62828', protected: '#ef8f00', exempt: '#1565c0', invalid: '#7b1fa2', allow: '#9e9e9e' };

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:16px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#c9d1d9}
main{padding:20px 28px;max-width:1280px}h2{font-size:17px;margin:28px 0 10px}
.cards{display:flex;flex-wrap:wrap;gap:10px}.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}.card.violation b{color:#c62828}
.timeline{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 12px}
.row{display:grid;grid-template-columns:260px 1fr;align-items:center;border-bottom:1px solid #eaeef2;padding:2px 0}.row:last-child{border:0}
.who{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.axis{display:flex;justify-content:space-between;color:#57606a;font-size:12px;margin-left:260px}
.legend span{margin-right:14px;font-size:12px}.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:middle}
details{background:#fff;border:1px solid #d0d7de;border-left:4px solid #c62828;border-radius:8px;margin:10px 0;padding:8px 14px}
summary{cursor:pointer;font-weight:600}summary small{font-weight:400;color:#57606a}
dl{display:grid;grid-template-columns:140px 1fr;gap:4px 12px;margin:10px 0}dt{color:#57606a}dd{margin:0}
pre{background:#f6f8fa;border:1px solid #eaeef2;border-radius:6px;padding:8px;overflow:auto;font-size:12px;max-height:360px}
table{border-collapse:collapse;background:#fff;width:100%}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;font-size:13px}
.tag{display:inline-block;background:#ddf4ff;border-radius:10px;padding:0 8px;margin-right:4px;font-size:12px}
.note{color:#57606a;font-size:13px}`;

function card(label: string, value: number, kind = ''): string {
  return `<div class="card ${kind}"><b>${value}</b>${h(label)}</div>`;
}

function timelineSvg(timeline: PrincipalTimeline, start: number, span: number): string {
  const dots = timeline.events
    .map((event) => {
      // 1%..99%, so dots at either end are drawn whole.
      const x = span === 0 ? 50 : 1 + ((event.at - start) / span) * 98;
      const title = `${new Date(event.at).toISOString()} ${event.eventName}: ${event.verdict}${event.rule ? ` (${event.rule})` : ''}${event.late ? ', late' : ''}`;
      const r = event.verdict === 'allow' ? 3 : 5;
      return `<circle cx="${x.toFixed(3)}%" cy="10" r="${r}" fill="${COLOURS[event.verdict]}"><title>${h(title)}</title></circle>`;
    })
    .join('');
  return `<svg width="100%" height="20" role="img" aria-label="${h(`${timeline.events.length} events`)}">${dots}</svg>`;
}

function timelines(collector: ReportCollector): string {
  const rows = [...collector.timelines.values()].sort((a, b) => a.account.localeCompare(b.account) || a.principal.localeCompare(b.principal));
  if (rows.length === 0) return '<p class="note">No agent-driven activity and nothing but allowed calls.</p>';
  const times = rows.flatMap((row) => row.events.map((event) => event.at));
  const start = Math.min(...times);
  const end = Math.max(...times);
  const legend = (Object.keys(COLOURS) as Verdict[]).map((verdict) => `<span><i class="dot" style="background:${COLOURS[verdict]}"></i>${verdict === 'allow' ? 'allowed (agent)' : verdict}</span>`).join('');
  const body = rows
    .map((row) => `<div class="row"><div class="who" title="${h(`${row.account} ${row.principal}`)}">${h(row.account)} ${h(row.principal)}${row.dropped ? ` <small>(+${row.dropped})</small>` : ''}</div>${timelineSvg(row, start, end - start)}</div>`)
    .join('');
  const omitted = collector.omittedTimelines ? `<p class="note">${collector.omittedTimelines} more principals not drawn.</p>` : '';
  return `<p class="legend">${legend}</p><div class="timeline">${body}</div><div class="axis"><span>${h(new Date(start).toISOString())}</span><span>${h(new Date(end).toISOString())}</span></div>${omitted}`;
}

function violation(item: ReportedViolation): string {
  const { finding, planned } = item;
  const record = finding.detail?.record;
  const plan = finding.detail?.plan;
  const signals = finding.signals.map((signal, i) => `<span class="tag">${h(signal)}</span>${h(item.evidence[i] ?? '')}`).join('<br>') || 'none (the rule applies to everyone)';
  const writes = planned?.writes.length
    ? planned.writes.map((write) => `<p>${h(`${write.policyType} policy ${write.policyName} on ${write.target} ${write.name} in ${write.account}`)}</p><pre>${h(JSON.stringify(write.document, null, 2))}</pre>`).join('')
    : '<p class="note">No document: monitor mode reports only, or the response writes none.</p>';
  const tags = planned && Object.keys(planned.roleTags).length ? `<dt>Role tags</dt><dd>${h(JSON.stringify(planned.roleTags))}</dd>` : '';
  const effects = planned?.effects.length ? `<dt>Effects</dt><dd>${h(JSON.stringify(planned.effects))}</dd>` : '';
  const cannot = planned?.cannotContain ? `<dt>Not contained</dt><dd>${h(planned.cannotContain)}</dd>` : '';
  return `<details open><summary>${h(finding.eventName ?? '-')} by ${h(item.principal)} <small>${h(record?.eventTime ?? '')} · ${h(finding.account ?? '')} · ${h(finding.rule ?? '')} → ${h(finding.response ?? '')}${finding.late ? ' · late' : ''}${item.sessionUnknown ? ' · session unknown' : ''}</small></summary>
<dl><dt>Principal</dt><dd>${h(finding.principal ?? '-')}</dd><dt>Signals</dt><dd>${signals}</dd><dt>Rule</dt><dd>${h(finding.rule ?? '-')}</dd>
<dt>Response</dt><dd>${h(finding.response ?? '-')}${plan ? ` (${h(plan.scope)} scope${plan.escalated ? ', escalated' : ''})` : ''}</dd><dt>Reason</dt><dd>${h(finding.reason)}</dd>${tags}${effects}${cannot}</dl>
<h3>Planned documents</h3>${writes}</details>`;
}

function others(collector: ReportCollector): string {
  if (collector.others.length === 0) return '<p class="note">None.</p>';
  const rows = collector.others
    .map(({ finding, principal }) => `<tr><td>${h(finding.detail?.record.eventTime ?? '-')}</td><td>${h(finding.verdict)}</td><td>${h(finding.eventName ?? '-')}</td><td>${h(principal)}</td><td>${h(finding.rule ?? '-')}</td><td>${h(finding.reason)}</td></tr>`)
    .join('');
  return `<table><tr><th>Time</th><th>Verdict</th><th>Event</th><th>Principal</th><th>Rule</th><th>Reason</th></tr>${rows}</table>`;
}

/**
 * The replay as one self-contained HTML page: summary, a timeline of agent activity per principal, and
 * each violation with its signals, rule, planned response and documents. No script, no external resource
 * (its Content-Security-Policy forbids both), every record-derived text escaped.
 */
export function renderHtmlReport(collector: ReportCollector, context: ReportContext): string {
  const { summary } = context;
  const cards = [
    card('events', summary.events),
    card('agent-driven', summary.agentEvents),
    card(`violations (${summary.late} late)`, summary.violation, 'violation'),
    card('protected', summary.protected),
    card('exempt', summary.exempt),
    card('invalid', summary.invalid),
    card('sessions begun before the replay', summary.unknownSessions),
  ].join('');
  const omitted = collector.omittedFindings ? `<p class="note">${collector.omittedFindings} more findings not shown; replay --format json lists every one.</p>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>agent-guardrail replay report</title><style>${STYLE}</style></head>
<body><header><h1>agent-guardrail replay report</h1><p>${h(context.inputs.join(', '))} · policy ${h(context.policyFile)} (${h(context.mode)} mode) · generated ${h(context.generatedAt)}</p></header>
<main><h2>Summary</h2><div class="cards">${cards}</div>
<h2>Agent activity by principal</h2>${timelines(collector)}
<h2>Violations (${collector.violations.length})</h2>${collector.violations.map(violation).join('\n') || '<p class="note">None.</p>'}
<h2>Protected, exempt and invalid</h2>${others(collector)}${omitted}
</main></body></html>
`;
}
