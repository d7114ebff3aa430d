import { readFile } from 'node:fs/promises';
import { loadPolicyFile } from '../functions/config/load-policy-file.ts';
import type { Finding } from '../functions/core/detect/finding.ts';
import type { CompiledPolicy } from '../functions/core/policy/compile-policy.ts';
import { buildResponse } from '../functions/core/respond/build-response.ts';
import type { PolicyStatement } from '../functions/core/respond/policy-document.ts';
import { safeText } from '../functions/core/safe-text.ts';
import { LineWriter } from './output.ts';
import { PACKAGE_ROOT } from './policy-path.ts';
import { listLocalSources } from './inputs/local-sources.ts';
import { replayFindings } from './replay/replay-findings.ts';

interface Scenario {
  readonly folder: string;
  readonly title: string;
  readonly story: string;
}

const SCOPE_WORDS = {
  agent: "the agent's requests and exact sessions only (people on the role keep working)",
  session: "the agent's exact sessions (aws:userid and issue time; people on the role keep working)",
  role: 'the whole role (it exists only for agents, or the rule asks for it)',
  principal: 'the whole principal (it exists only for agents, or the rule asks for it)',
  account: 'the account (organization-level)',
  none: 'nothing: IAM cannot tell the agent from the person whose credentials it holds',
} as const;

function describeStatement(statement: PolicyStatement): string {
  const actions = typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
  const shown = actions.length > 3 ? `${actions.slice(0, 3).join(', ')} and ${actions.length - 3} more` : actions.join(', ');
  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, keys]) =>
    Object.entries(keys).map(([key, value]) => `${key} ${operator} ${JSON.stringify(value)}`),
  );
  return `${statement.Effect} ${shown}${conditions.length ? ` when ${conditions.join(' and ')}` : ''}`;
}

/** What the guard would write for a violation, in a line or two per document. */
function explainWrites(finding: Finding, policy: CompiledPolicy): string[] {
  const response = buildResponse(finding, policy);
  if (!response) return [];
  if (response.cannotContain) return [`      cannot contain here: ${response.cannotContain}`];
  const lines = response.writes.flatMap((write) => [
    `      writes ${write.policyType} policy ${write.policyName} on ${write.target} ${write.name}:`,
    ...write.document.Statement.map((statement) => `        ${describeStatement(statement)}`),
  ]);
  const tags = Object.keys(response.roleTags);
  if (tags.length) lines.push(`      tags the role ${tags.join(', ')}`);
  for (const effect of response.effects) {
    lines.push(
      effect.effect === 'deactivate-access-key'
        ? `      deactivates access key ${effect.accessKeyId} of ${effect.userName}`
        : effect.effect === 'delete-login-profile'
          ? `      deletes the console password of ${effect.userName}`
          : `      deactivates every active access key of ${effect.userName}`,
    );
  }
  return lines;
}

function explain(finding: Finding): string[] {
  const who = safeText(finding.principal ?? 'unknown principal');
  const lines = [`  • ${finding.eventName} by ${who}${finding.late ? '  (re-examined late)' : ''}`];
  const evidence = finding.detail?.signalEvidence ?? [];
  const signals = evidence.length ? `agent signals: ${evidence.map(safeText).join('; ')}` : 'no agent signal';
  switch (finding.verdict) {
    case 'violation': {
      const plan = finding.detail!.plan!;
      lines.push(`      VIOLATION of ${finding.rule} (${signals})`);
      lines.push(
        `      response: ${plan.response} on ${SCOPE_WORDS[plan.scope]}${plan.escalated ? `, escalated after ${plan.strikes} strikes` : ''}`,
      );
      break;
    }
    case 'allow':
      lines.push(`      allowed: ${safeText(finding.reason)}${evidence.length ? ` (${signals})` : ''}`);
      break;
    default:
      lines.push(`      ${finding.verdict}: ${safeText(finding.reason)}`);
  }
  return lines;
}

/** `demo`: the bundled scenarios through detection and response planning, explained for people. */
export async function demoCommand(): Promise<number> {
  const policyFile = `${PACKAGE_ROOT}guardrail.yaml`;
  const policy = await loadPolicyFile(policyFile);
  const scenarios = JSON.parse(await readFile(`${PACKAGE_ROOT}events/scenarios.json`, 'utf8')) as Scenario[];
  const out = new LineWriter();
  await out.line(`agent-guardrail demo: ${scenarios.length} scenarios under the bundled policy (mode: ${policy.mode}).`);
  await out.line('Each scenario is replayed on its own from events/scenarios/; nothing is written to AWS.');
  await out.line('`npm run --silent cli -- plan events/scenarios` prints the complete documents as JSON; the test suite');
  await out.line('proves each kind with an IAM policy simulator (agent denied, human on the same role allowed).\n');
  let violations = 0;
  for (const [index, scenario] of scenarios.entries()) {
    await out.line(`${index + 1}. ${scenario.title}`);
    await out.line(`   ${scenario.story}`);
    const { sources } = await listLocalSources([`${PACKAGE_ROOT}events/scenarios/${scenario.folder}`]);
    const findings: Finding[] = [];
    await replayFindings(sources, policy, {
      onFinding: (finding) => {
        findings.push(finding);
      },
    });
    for (const finding of findings) {
      if (finding.verdict === 'violation') violations++;
      for (const line of [...explain(finding), ...explainWrites(finding, policy)]) await out.line(line);
    }
    await out.line('');
  }
  await out.line(
    `${violations} violations found. In enforce mode each would be contained as shown; in monitor mode they are reported only.`,
  );
  await out.flush();
  return 0;
}
