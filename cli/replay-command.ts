import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { UsageError } from '../functions/core/errors.ts';
import { TABLE_HEADER, toReplayJson, toTableRow } from './format-finding.ts';
import { LineWriter } from './output.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { startProgress } from './progress-bar.ts';
import { listInputFiles } from './read-inputs.ts';
import { countFinding, emptySummary, replayFindings } from './replay-findings.ts';

export interface ReplayOptions {
  readonly policy?: string;
  readonly format?: string;
  readonly failOnViolation?: boolean;
  readonly paths: readonly string[];
}

/** `replay`: detection over recorded events, printing one finding per event; returns the exit code. */
export async function replayCommand(options: ReplayOptions): Promise<number> {
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, not "${format}"`);
  if (options.paths.length === 0) throw new UsageError('replay needs at least one file or folder');
  const policy = await loadPolicyFile(resolvePolicyPath(options.policy));
  const files = await listInputFiles(options.paths);
  const progress = await startProgress(files);
  const out = new LineWriter();
  const summary = emptySummary();
  if (format === 'table') await out.line(TABLE_HEADER);
  try {
    const render = format === 'json' ? toReplayJson : toTableRow;
    await replayFindings(
      files,
      policy,
      (finding) => {
        countFinding(summary, finding);
        return out.line(render(finding));
      },
      progress?.update,
    );
  } finally {
    progress?.stop();
  }
  if (format === 'json') {
    await out.line(JSON.stringify({ summary: { ...summary, mode: policy.mode } }));
  } else {
    await out.line(
      `\n${summary.events} events: ${summary.violation} violations (${summary.late} late, marked *), ` +
        `${summary.protected} protected, ${summary.exempt} exempt, ${summary.invalid} invalid, ${summary.allow} allowed; ` +
        `${summary.agentEvents} agent-driven. Mode: ${policy.mode}.`,
    );
  }
  await out.flush();
  return options.failOnViolation && summary.violation > 0 ? 1 : 0;
}
