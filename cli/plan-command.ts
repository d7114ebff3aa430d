import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { UsageError } from '../functions/core/errors.ts';
import type { Finding } from '../functions/core/detect/finding.ts';
import { LineWriter } from './output.ts';
import { warn } from './warn.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { resolveSources } from './inputs/resolve-sources.ts';
import { PlannedResponses } from './replay/planned-responses.ts';
import { replayFindings } from './replay/replay-findings.ts';
import { createFindingFilter } from './replay/finding-filter.ts';
import { openOutputFile } from './output-file.ts';

/**
 * `plan`: replays events in order and prints, for each violation, the complete documents the guard
 * would leave in place (merged with what earlier violations in the same replay wrote).
 */
export async function planCommand(options: {
  readonly policy?: string;
  readonly format?: string;
  readonly paths: readonly string[];
  readonly since?: string;
  readonly until?: string;
  readonly output?: string;
  readonly keepGoing?: boolean;
}): Promise<number> {
  if (options.format && options.format !== 'json') throw new UsageError(`plan prints JSON only; --format must be json, not "${options.format}"`);
  if (options.paths.length === 0) throw new UsageError('plan needs at least one file or folder');
  const policy = await loadPolicyFile(resolvePolicyPath(options.policy));
  // The same time window, output file and source handling as replay.
  const filter = createFindingFilter({ since: options.since, until: options.until });
  const { sources, empty } = await resolveSources(options.paths, filter);
  for (const place of empty) warn(`${place}: nothing to read here (no .json, .jsonl, .ndjson or .gz CloudTrail files)`);
  if (sources.length === 0) return 2;
  const file = options.output ? await openOutputFile(options.output, '--output') : null;
  const out = new LineWriter(file ?? process.stdout);
  const planned = new PlannedResponses(policy);
  const summary = { violations: 0, writes: 0, documents: 0, notContained: 0, mode: policy.mode };
  const onFinding = (finding: Finding) => {
    if (!filter.inWindow(finding)) return undefined;
    const response = planned.plan(finding);
    if (!response) return undefined;
    summary.violations++;
    const writes = response.writes;
    summary.writes += writes.length;
    if (response.cannotContain) summary.notContained++;
    return out.line(
      JSON.stringify({
        eventID: finding.eventID,
        eventName: finding.eventName,
        principal: finding.principal,
        rule: finding.rule,
        response: finding.response,
        scope: finding.detail!.plan!.scope,
        writes,
        // Everything else the guard does for it, so the whole response can be reviewed and proved.
        ...(Object.keys(response.roleTags).length > 0 ? { tags: response.roleTags } : {}),
        effects: response.effects,
        ...(response.cannotContain ? { cannotContain: response.cannotContain } : {}),
        ...(finding.late ? { late: true } : {}),
      }),
    );
  };
  const totals = await replayFindings(sources, policy, { onFinding, onSourceProblem: (problem) => (warn(problem.message), options.keepGoing === true) });
  // Later violations merge into documents earlier ones wrote: count each document once.
  summary.documents = planned.documents;
  await out.line(JSON.stringify({ summary: { ...summary, skippedSources: totals.skippedSources } }));
  await out.flush();
  if (file) await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return totals.stopped ? 2 : 0;
}
