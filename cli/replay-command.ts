import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import type { Finding } from '../functions/core/detect/finding.ts';
import { UsageError, type InputError } from '../functions/core/errors.ts';
import { toReplayJson } from './format-finding.ts';
import { totalBytes } from './inputs/input-source.ts';
import { resolveSources } from './inputs/resolve-sources.ts';
import { LineWriter } from './output.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { startProgress } from './progress-bar.ts';
import { createFindingFilter, knownRuleIds, type FilterOptions } from './replay/finding-filter.ts';
import { openOutputFile } from './output-file.ts';
import { replayFindings } from './replay/replay-findings.ts';
import { countFinding, emptySummary, type ReplaySummary } from './replay/replay-summary.ts';
import { renderHtmlReport } from './report/html-report.ts';
import { ReportCollector } from './report/report-collector.ts';
import { tableHeader, tableLayout, tableRow, useColour } from './table/finding-table.ts';
import { warn } from './warn.ts';

export interface ReplayOptions extends FilterOptions {
  readonly policy?: string;
  readonly format?: 'table' | 'json' | 'html';
  /** Write to this file instead of standard output. */
  readonly output?: string;
  readonly failOnViolation?: boolean;
  readonly all?: boolean;
  readonly keepGoing?: boolean;
  readonly paths: readonly string[];
}

/** Words wrapped to `width` (null: not a terminal, no wrapping). */
function wrap(text: string, width: number | null): string {
  if (width === null) return text;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

function tableSummary(summary: ReplaySummary, mode: string, hiddenAllows: number, width: number | null): string {
  const lines = [
    `${summary.events} events (${summary.agentEvents} agent-driven): ${summary.violation} violations (${summary.late} late, marked *), ` +
      `${summary.protected} protected, ${summary.exempt} exempt, ${summary.invalid} invalid, ${summary.allow} allowed. Mode: ${mode}.`,
  ];
  if (summary.unknownSessions > 0) {
    lines.push(
      `${summary.unknownSessions} ${summary.unknownSessions === 1 ? 'session' : 'sessions'} began before the replay (${summary.sessionUnknownEvents} events, principal marked ?): ` +
        'their session tags are unknown; replay from before their AssumeRole to judge them.',
    );
  }
  if (summary.parkedGivenUp > 0) {
    lines.push(`${summary.parkedGivenUp} calls of those sessions stopped waiting for an AssumeRole (memory bound); they stay reported as allowed, session unknown.`);
  }
  if (summary.duplicates > 0) lines.push(`${summary.duplicates} ${summary.duplicates === 1 ? 'record' : 'records'} read again under an eventID already read (overlapping trails): counted once.`);
  if (hiddenAllows > 0) lines.push(`${hiddenAllows} allowed events not shown (--all shows every row).`);
  return lines.map((line) => wrap(line, width)).join('\n');
}

/** `replay`: detection over recorded events, printing the findings; returns the exit code. */
export async function replayCommand(options: ReplayOptions): Promise<number> {
  const format = options.format ?? 'table';
  if (options.paths.length === 0) throw new UsageError('replay needs at least one file, folder, s3:// location or - (standard input)');
  const policyFile = resolvePolicyPath(options.policy);
  const policy = await loadPolicyFile(policyFile);
  const filter = createFindingFilter(options, Date.now(), knownRuleIds(policy));
  const { sources, empty } = await resolveSources(options.paths, filter);
  for (const place of empty) warn(`${place}: nothing to read here (no .json, .jsonl, .ndjson or .gz CloudTrail files)`);
  if (sources.length === 0) return 2;

  const progress = startProgress(totalBytes(sources));
  const file = options.output ? await openOutputFile(options.output, '--output') : null;
  const stream = file ?? process.stdout;
  const out = new LineWriter(stream);
  out.guardWith(progress);
  const summary = emptySummary();
  // isTTY is undefined on a pipe: a strict boolean, or picocolors would fall back to its own guess (colour when CI is set).
  const terminal = !file && process.stdout.isTTY === true;
  const layout = tableLayout(terminal ? process.stdout.columns ?? 100 : null, terminal && useColour());
  const report = format === 'html' ? new ReportCollector(policy) : null;
  let hiddenAllows = 0;
  let problems = 0;
  // --fail-on-violation counts the violations the filters select, so CI can fail on one rule or account.
  let selectedViolations = 0;

  const onFinding = (finding: Finding, sessionUnknown: boolean) => {
    if (!filter.inWindow(finding)) return undefined;
    countFinding(summary, finding, sessionUnknown);
    // A late verdict re-judges an event first allowed: its allow row is no longer one of the hidden ones.
    if (finding.late && format === 'table' && !options.all && hiddenAllows > 0) hiddenAllows--;
    if (!filter.selects(finding)) return undefined;
    if (finding.verdict === 'violation') selectedViolations++;
    // The report keeps what it shows itself (allowed agent calls on their timelines, every other verdict).
    if (report) {
      summary.shown++;
      return report.add(finding, sessionUnknown);
    }
    // Allowed rows are hidden by default in the table, unless --all or --verdict allow asks for them.
    if (format === 'table' && finding.verdict === 'allow' && !options.all && !filter.asksFor('allow')) {
      hiddenAllows++;
      return undefined;
    }
    summary.shown++;
    return out.line(format === 'json' ? toReplayJson(finding, sessionUnknown) : tableRow(finding, sessionUnknown, layout));
  };
  const onSourceProblem = (problem: InputError) => {
    problems++;
    progress?.clear();
    warn(`${problem.message}${options.keepGoing ? ' (skipped)' : ' (stopped; --keep-going reads on)'}`);
    progress?.redraw();
    return options.keepGoing === true;
  };

  if (format === 'table') await out.line(tableHeader(layout));
  let totals;
  try {
    totals = await replayFindings(sources, policy, { onFinding, onSourceProblem, onProgress: progress?.update });
  } finally {
    progress?.stop();
    out.guardWith(null);
  }
  summary.unknownSessions = totals.unknownSessions;
  summary.parkedGivenUp = totals.parkedGivenUp;
  summary.duplicates = totals.duplicates;
  if (report) {
    const context = { summary, mode: policy.mode, policyFile, inputs: options.paths, generatedAt: new Date().toISOString() };
    await out.line(renderHtmlReport(report, context));
  } else if (format === 'json') {
    await out.line(JSON.stringify({ summary: { ...summary, mode: policy.mode, skippedSources: totals.skippedSources } }));
  } else {
    await out.line(`\n${tableSummary(summary, policy.mode, hiddenAllows, layout.width)}`);
  }
  await out.flush();
  if (file) await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (problems > 0 && !options.keepGoing) return 2;
  return options.failOnViolation && selectedViolations > 0 ? 1 : 0;
}
