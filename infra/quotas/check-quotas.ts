import { deployedBound, jsonBytes, jsonCharacters, type SynthesizedTemplate, type TemplateResource } from './deployed-size.ts';
import { QUOTAS, type QuotaId } from './quota-table.ts';

/** One template to check: a stack's, or the member template a StackSet carries inline. */
export interface QuotaSubject {
  /** The stack's name, or `<stack>/<StackSet logical id>` for an inlined body. */
  readonly name: string;
  readonly template: SynthesizedTemplate;
  /** The template's text as CloudFormation receives it. */
  readonly body: string;
  readonly inlinedInStackSet: boolean;
  /** Regions the template deploys to (a StackSet's instances); unknown for a region-agnostic stack. */
  readonly regions?: readonly string[];
}

export interface QuotaOptions {
  /**
   * SCPs already attached to each target outside the guardrail (FullAWSAccess counts: 1 where nothing else is
   * attached). A target not listed is taken to hold `default`.
   */
  readonly otherScpsPerTarget?: { readonly default: number; readonly byTarget?: Readonly<Record<string, number>> };
}

/** One figure measured against its quota. */
export interface QuotaMeasure {
  readonly subject: string;
  /** The resource, or the template itself, or what is aggregated (a bus, an SCP target). */
  readonly resource: string;
  readonly quota: QuotaId;
  readonly figure: number;
}

const SMALL_RULE_REGIONS = new Set(['af-south-1', 'eu-south-1']);
const POLICY_FRAME = { Version: '2012-10-17', Statement: [] as unknown[] };

/** Every figure of every subject, whether within its quota or not. */
export function measureQuotas(subjects: readonly QuotaSubject[], options: QuotaOptions = {}): QuotaMeasure[] {
  const measures: QuotaMeasure[] = [];
  const scpsByTarget = new Map<string, number>();
  for (const subject of subjects) {
    const add = (resource: string, quota: QuotaId, figure: number) => measures.push({ subject: subject.name, resource, quota, figure });
    const { template } = subject;
    const bound = (value: unknown) => deployedBound(value, template);
    add('template', 'templateResources', Object.keys(template.Resources).length);
    add('template', 'templateOutputs', Object.keys(template.Outputs ?? {}).length);
    add('template', 'templateParameters', Object.keys(template.Parameters ?? {}).length);
    add('template', subject.inlinedInStackSet ? 'stackSetTemplateBody' : 'templateBodyFromS3', Buffer.byteLength(subject.body, 'utf8'));
    const busPolicies = new Map<string, unknown[]>();
    const rulesByBus = new Map<string, { rules: number; wildcard: number }>();
    const inlineByRole = new Map<string, number>();
    let reserved = 0;
    for (const [id, resource] of Object.entries(template.Resources)) {
      const p = (resource.Properties ?? {}) as Record<string, unknown>;
      switch (resource.Type) {
        case 'AWS::SQS::QueuePolicy':
          policyFigures(bound(p.PolicyDocument), (s, b) => (add(id, 'sqsPolicyStatements', s), add(id, 'sqsPolicyBytes', b)));
          break;
        case 'AWS::SNS::TopicPolicy':
          policyFigures(bound(p.PolicyDocument), (s, b) => (add(id, 'snsPolicyStatements', s), add(id, 'snsPolicyBytes', b)));
          break;
        case 'AWS::KMS::Key':
          if (p.KeyPolicy) add(id, 'kmsKeyPolicyBytes', jsonBytes(bound(p.KeyPolicy)));
          break;
        case 'AWS::Events::EventBus':
          if (p.Policy) append(busPolicies, busKey(p.Name, id, template), statementsOf(bound(p.Policy)));
          break;
        case 'AWS::Events::EventBusPolicy':
          append(busPolicies, busKey(p.EventBusName, undefined, template), p.Statement ? [bound(p.Statement)] : [bound({ Sid: p.StatementId, Action: p.Action, Principal: p.Principal, Condition: p.Condition })]);
          break;
        case 'AWS::Events::Rule': {
          const bus = busKey(p.EventBusName, undefined, template);
          const count = rulesByBus.get(bus) ?? { rules: 0, wildcard: 0 };
          count.rules += 1;
          if (p.EventPattern) {
            const pattern = JSON.stringify(bound(p.EventPattern));
            add(id, 'eventPatternCharacters', pattern.length);
            if (pattern.includes('"wildcard"')) count.wildcard += 1;
          }
          rulesByBus.set(bus, count);
          add(id, 'targetsPerRule', ((p.Targets as unknown[] | undefined) ?? []).length);
          break;
        }
        case 'AWS::IAM::ManagedPolicy':
          add(id, 'managedPolicyCharacters', jsonCharacters(bound(p.PolicyDocument)));
          break;
        case 'AWS::IAM::Role': {
          add(id, 'trustPolicyCharacters', jsonCharacters(bound(p.AssumeRolePolicyDocument)));
          add(id, 'managedPoliciesPerRole', ((p.ManagedPolicyArns as unknown[] | undefined) ?? []).length);
          const inline = ((p.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).reduce((sum, policy) => sum + jsonCharacters(bound(policy.PolicyDocument)), 0);
          inlineByRole.set(id, (inlineByRole.get(id) ?? 0) + inline);
          break;
        }
        case 'AWS::IAM::Policy':
          // A separate inline policy counts against each role it is put on.
          for (const role of (p.Roles as unknown[] | undefined) ?? []) {
            const roleId = (role as { Ref?: string }).Ref;
            if (roleId) inlineByRole.set(roleId, (inlineByRole.get(roleId) ?? 0) + jsonCharacters(bound(p.PolicyDocument)));
          }
          break;
        case 'AWS::Organizations::Policy':
          if (p.Type === 'SERVICE_CONTROL_POLICY') {
            add(id, 'scpCharacters', jsonCharacters(bound(p.Content)));
            for (const target of (p.TargetIds as string[] | undefined) ?? []) scpsByTarget.set(target, (scpsByTarget.get(target) ?? 0) + 1);
          }
          break;
        case 'AWS::Lambda::Function': {
          const variables = (bound((p.Environment as { Variables?: unknown } | undefined)?.Variables) ?? {}) as Record<string, unknown>;
          add(id, 'lambdaEnvironmentBytes', Object.entries(variables).reduce((sum, [k, v]) => sum + Buffer.byteLength(k + String(v), 'utf8'), 0));
          reserved += typeof p.ReservedConcurrentExecutions === 'number' ? p.ReservedConcurrentExecutions : 0;
          break;
        }
      }
    }
    for (const [bus, statements] of busPolicies) add(`event bus ${bus}`, 'eventBusPolicyCharacters', jsonCharacters({ ...POLICY_FRAME, Statement: statements }));
    const small = (subject.regions ?? []).some((r) => SMALL_RULE_REGIONS.has(r));
    for (const [bus, count] of rulesByBus) {
      add(`event bus ${bus}`, small ? 'rulesPerBusSmallRegions' : 'rulesPerBus', count.rules);
      add(`event bus ${bus}`, 'wildcardRulesPerBus', count.wildcard);
    }
    for (const [role, characters] of inlineByRole) add(role, 'roleInlinePolicyCharacters', characters);
    add('functions', 'reservedConcurrency', reserved);
  }
  const other = options.otherScpsPerTarget ?? { default: 1 };
  for (const [target, ours] of scpsByTarget) {
    measures.push({ subject: 'organization', resource: `target ${target}`, quota: 'scpsPerTarget', figure: ours + (other.byTarget?.[target] ?? other.default) });
  }
  return measures;
}

/** The figures over their quota. */
export function quotaViolations(subjects: readonly QuotaSubject[], options: QuotaOptions = {}): QuotaMeasure[] {
  return measureQuotas(subjects, options).filter((m) => m.figure > QUOTAS[m.quota].limit);
}

/** One line: the resource, its figure and the limit, and where the limit is stated. */
export function formatQuotaViolation(m: QuotaMeasure): string {
  const q = QUOTAS[m.quota];
  const fix = 'fix' in q ? `; ${q.fix}` : '';
  return `${m.subject}: ${m.resource}: ${q.what} is ${m.figure.toLocaleString('en-US')} ${q.unit}; the limit is ${q.limit.toLocaleString('en-US')} (${q.source})${fix}`;
}

function policyFigures(document: unknown, report: (statements: number, bytes: number) => void): void {
  report(statementsOf(document).length, jsonBytes(document));
}

function statementsOf(document: unknown): unknown[] {
  const statement = (document as { Statement?: unknown } | undefined)?.Statement;
  return statement === undefined ? [] : Array.isArray(statement) ? statement : [statement];
}

/** A bus by the name it deploys with: a literal, or the Name of the bus resource a Ref points at. */
function busKey(name: unknown, logicalId: string | undefined, template: SynthesizedTemplate): string {
  if (name === undefined) return logicalId === undefined ? 'default' : String(template.Resources[logicalId]?.Properties?.Name ?? logicalId);
  if (typeof name === 'string') return name;
  const ref = (name as { Ref?: string }).Ref;
  if (ref && template.Resources[ref]) return busKey(undefined, ref, template);
  return JSON.stringify(name);
}

function append<K, V>(map: Map<K, V[]>, key: K, values: V[]): void {
  map.set(key, [...(map.get(key) ?? []), ...values]);
}

export type { SynthesizedTemplate, TemplateResource };
