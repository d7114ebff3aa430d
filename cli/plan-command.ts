import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import { UsageError } from '../functions/core/errors.ts';
import { buildResponse } from '../functions/core/respond/build-response.ts';
import { mergeDocuments, type PolicyDocument } from '../functions/core/respond/policy-document.ts';
import { LineWriter } from './output.ts';
import { resolvePolicyPath } from './policy-path.ts';
import { listInputFiles } from './read-inputs.ts';
import { replayFindings } from './replay-findings.ts';

/**
 * `plan`: replays events in order and prints, for each violation, the complete documents the guard
 * would leave in place (merged with what earlier violations in the same replay wrote).
 */
export async function planCommand(options: { readonly policy?: string; readonly format?: string; readonly paths: readonly string[] }): Promise<number> {
  if (options.format && options.format !== 'json') throw new UsageError(`plan prints JSON only; --format must be json, not "${options.format}"`);
  if (options.paths.length === 0) throw new UsageError('plan needs at least one file or folder');
  const policy = await loadPolicyFile(resolvePolicyPath(options.policy));
  const files = await listInputFiles(options.paths);
  const out = new LineWriter();
  const written = new Map<string, PolicyDocument>();
  const summary = { violations: 0, writes: 0, notContained: 0, mode: policy.mode };
  await replayFindings(files, policy, (finding) => {
    const response = buildResponse(finding, policy);
    if (!response) return undefined;
    summary.violations++;
    const writes = response.writes.map((write) => {
      const key = `${write.policyType}|${write.account}|${write.target}|${write.name}|${write.policyName}`;
      const merged = mergeDocuments(written.get(key) ?? null, write.document);
      written.set(key, merged);
      return { ...write, document: merged };
    });
    summary.writes += writes.length;
    if (response.cannotContain) summary.notContained++;
    return out.line(
      JSON.stringify({
        eventID: finding.eventID,
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
  });
  await out.line(JSON.stringify({ summary }));
  await out.flush();
  return 0;
}
