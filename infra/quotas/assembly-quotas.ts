import { readFileSync } from 'node:fs';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { GuardrailError } from '../../functions/core/errors.ts';
import { formatQuotaViolation, quotaViolations, type QuotaOptions, type QuotaSubject, type SynthesizedTemplate } from './check-quotas.ts';

/** A synthesized template breaks an AWS quota: the deployment would fail before anything runs. */
export class QuotaError extends GuardrailError {
  constructor(readonly violations: readonly string[]) {
    super(`the synthesized templates break ${violations.length} AWS quota${violations.length === 1 ? '' : 's'}:\n${violations.map((v) => `  - ${v}`).join('\n')}`);
    this.name = 'QuotaError';
  }
}

/** Every stack template of the assembly, and each StackSet's inlined template, as CloudFormation receives them. */
export function quotaSubjectsOf(assembly: CloudAssembly): QuotaSubject[] {
  const subjects: QuotaSubject[] = [];
  for (const stack of assembly.stacks) {
    const body = readFileSync(stack.templateFullPath, 'utf8');
    const template = JSON.parse(body) as SynthesizedTemplate;
    subjects.push({ name: stack.stackName, template, body, inlinedInStackSet: false, ...(stack.environment.region !== 'unknown-region' ? { regions: [stack.environment.region] } : {}) });
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::CloudFormation::StackSet') continue;
      const props = resource.Properties as { TemplateBody?: string; StackInstancesGroup?: { Regions: string[] }[] };
      if (typeof props.TemplateBody !== 'string') continue;
      subjects.push({
        name: `${stack.stackName}/${id}`,
        template: JSON.parse(props.TemplateBody) as SynthesizedTemplate,
        body: props.TemplateBody,
        inlinedInStackSet: true,
        regions: (props.StackInstancesGroup ?? []).flatMap((g) => g.Regions),
      });
    }
  }
  return subjects;
}

/** Fails the synth, naming each resource, its figure and the limit, when any quota is broken. */
export function assertWithinQuotas(assembly: CloudAssembly, options: QuotaOptions = {}): void {
  const violations = quotaViolations(quotaSubjectsOf(assembly), options);
  if (violations.length > 0) throw new QuotaError(violations.map(formatQuotaViolation));
}
