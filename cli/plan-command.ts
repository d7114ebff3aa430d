import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { UsageError } from '../functions/core/errors.ts';
import type { Finding } from '../functions/core/detect/finding.ts';
import { LineWriter } from './output.ts';
import { warn } from './warn.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { resolveSources } from './inputs/resolve-sources.ts';
import { PlannedResponses } from './replay/planned-responses.ts';
import { replayFindings } from './replay/replay-findings.ts';

/**
 * `plan`: replays events in order and prints, for each violation, the complete documents the guard
 * would leave in place (merged with what earlier violations in the same replay wrote).
 */
export async function planCommand(options: { readonly policy?: string; readonly format?: string; readonly paths: readonly string[] }): Promise<number> {
  if (options.format && options.format !== 'json') throw new UsageError(`plan prints JSON only; --format must be json, not "${options.format}"`);
  if (options.paths.length === 0) throw new UsageError('plan needs at least one file or folder');
  const policy = await loadPolicyFile(resolvePolicyPath(options.policy));
  const { sources, empty } = await resolveSources(options.paths, { since: null, until: null });
  for (const place of empty) warn(`${place}: nothing to read here (no .json, .jsonl, .ndjson or .gz CloudTrail files)`);
  if (sources.length === 0) return 2;
  const out = new LineWriter();
  const planned = new PlannedResponses(policy);
  const summary = { violations: 0, writes: 0, documents: 0, notContained: 0, mode: policy.mode };
  const onFinding = (finding: Finding) => {
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
  const totals = await replayFindings(sources, policy, { onFinding, onSourceProblem: (problem) => (warn(problem.message), false) });
  // Later violations merge into documents earlier ones wrote: count each document once.
  summary.documents = planned.documents;
  await out.line(JSON.stringify({ summary }));
  await out.flush();
  return totals.stopped ? 2 : 0;
}
