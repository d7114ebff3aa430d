import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One CloudFormation resource as synthesized. */
export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
  readonly DependsOn?: string | string[];
}
export type Template = { readonly Resources: Record<string, Resource>; readonly Conditions?: Record<string, unknown> };

/** Where a stack instance is deployed: the values its pseudo parameters take. */
export interface Placement {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

/** The synthesized app: each stack's template by stack name, plus the StackSet's inlined member template. */
export interface CloudAssembly {
  readonly dir: string;
  readonly stacks: ReadonlyMap<string, Template>;
  readonly memberStackSet: { readonly template: Template; readonly regions: readonly string[]; readonly organizationalUnits: readonly string[]; readonly dependsOn: readonly string[] };
}

export function loadCloudAssembly(dir: string): CloudAssembly {
  const stacks = new Map<string, Template>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.template.json'))) {
    stacks.set(file.replace('.template.json', ''), JSON.parse(readFileSync(join(dir, file), 'utf8')) as Template);
  }
  const security = stacks.get('AgentGuardrail-Security')!;
  const [, stackSet] = Object.entries(security.Resources).find(([, r]) => r.Type === 'AWS::CloudFormation::StackSet')!;
  const props = stackSet.Properties as { TemplateBody: string; StackInstancesGroup: { Regions: string[]; DeploymentTargets: { OrganizationalUnitIds: string[] } }[] };
  return {
    dir,
    stacks,
    memberStackSet: {
      template: JSON.parse(props.TemplateBody) as Template,
      regions: props.StackInstancesGroup.flatMap((g) => g.Regions),
      organizationalUnits: props.StackInstancesGroup.flatMap((g) => g.DeploymentTargets.OrganizationalUnitIds),
      dependsOn: [stackSet.DependsOn ?? []].flat(),
    },
  };
}

/** Physical names CloudFormation would give each resource, by logical id: what Ref and GetAtt return. */
function physicalRef(template: Template, logicalId: string, at: Placement): string {
  const r = template.Resources[logicalId];
  if (!r) throw new Error(`Ref to unknown resource ${logicalId}`);
  const p = (r.Properties ?? {}) as Record<string, string>;
  switch (r.Type) {
    case 'AWS::IAM::Role':
      return resolveString(template, p.RoleName ?? logicalId, at);
    case 'AWS::Lambda::Function':
      return resolveString(template, p.FunctionName ?? logicalId, at);
    case 'AWS::SNS::Topic':
      return `arn:${at.partition}:sns:${at.region}:${at.account}:${resolveString(template, p.TopicName ?? logicalId, at)}`;
    case 'AWS::SQS::Queue':
      return `https://sqs.${at.region}.amazonaws.com/${at.account}/${resolveString(template, p.QueueName ?? logicalId, at)}`;
    case 'AWS::Events::EventBus':
      return resolveString(template, p.Name ?? logicalId, at);
    case 'AWS::DynamoDB::GlobalTable':
    case 'AWS::DynamoDB::Table':
      return resolveString(template, p.TableName ?? `${logicalId}-table`, at);
    case 'AWS::KMS::Key':
      return `key-${logicalId}`;
    default:
      return logicalId;
  }
}

function physicalArn(template: Template, logicalId: string, at: Placement): string {
  const r = template.Resources[logicalId]!;
  const name = physicalRef(template, logicalId, at);
  const p = (r.Properties ?? {}) as Record<string, unknown>;
  switch (r.Type) {
    case 'AWS::IAM::Role':
      return `arn:${at.partition}:iam::${at.account}:role/${name}`;
    case 'AWS::Lambda::Function':
      return `arn:${at.partition}:lambda:${at.region}:${at.account}:function:${name}`;
    case 'AWS::SQS::Queue':
      return `arn:${at.partition}:sqs:${at.region}:${at.account}:${name.split('/').at(-1)}`;
    case 'AWS::SNS::Topic':
      return name;
    case 'AWS::Events::EventBus':
      return `arn:${at.partition}:events:${at.region}:${at.account}:event-bus/${name}`;
    case 'AWS::Events::Rule': {
      const bus = p.EventBusName ? resolveString(template, p.EventBusName, at) : 'default';
      const ruleName = resolveString(template, p.Name ?? logicalId, at);
      return bus === 'default'
        ? `arn:${at.partition}:events:${at.region}:${at.account}:rule/${ruleName}`
        : `arn:${at.partition}:events:${at.region}:${at.account}:rule/${bus}/${ruleName}`;
    }
    case 'AWS::DynamoDB::GlobalTable':
    case 'AWS::DynamoDB::Table':
      return `arn:${at.partition}:dynamodb:${at.region}:${at.account}:table/${name}`;
    case 'AWS::KMS::Key':
      return `arn:${at.partition}:kms:${at.region}:${at.account}:key/${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:${at.partition}:logs:${at.region}:${at.account}:log-group:${resolveString(template, p.LogGroupName, at)}:*`;
    default:
      throw new Error(`no ARN model for ${r.Type}`);
  }
}

/** Resolves the intrinsic functions the synthesized templates use, for one placement. */
export function resolve(template: Template, value: unknown, at: Placement): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v, at));
  if (!value || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if ('Ref' in o) {
    const ref = o.Ref as string;
    const pseudo: Record<string, string> = { 'AWS::Partition': at.partition, 'AWS::AccountId': at.account, 'AWS::Region': at.region, 'AWS::URLSuffix': 'amazonaws.com' };
    return pseudo[ref] ?? physicalRef(template, ref, at);
  }
  if ('Fn::GetAtt' in o) {
    const [logicalId, attribute] = o['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn') return physicalArn(template, logicalId, at);
    if (attribute === 'QueueName') return physicalRef(template, logicalId, at).split('/').at(-1);
    if (attribute === 'TopicName') return physicalRef(template, logicalId, at).split(':').at(-1);
    throw new Error(`GetAtt ${attribute} is not modelled`);
  }
  if ('Fn::Join' in o) {
    const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveString(template, p, at)).join(separator);
  }
  if ('Fn::Split' in o) {
    const [separator, source] = o['Fn::Split'] as [string, unknown];
    return resolveString(template, source, at).split(separator);
  }
  if ('Fn::Select' in o) {
    const [index, list] = o['Fn::Select'] as [number, unknown];
    return (resolve(template, list, at) as unknown[])[Number(index)];
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(template, v, at)]));
}

export function resolveString(template: Template, value: unknown, at: Placement): string {
  return String(resolve(template, value, at));
}

/** Whether a resource exists in this placement (its Condition, if any, evaluated). */
export function isCreated(template: Template, resource: Resource, at: Placement): boolean {
  if (!resource.Condition) return true;
  const condition = template.Conditions?.[resource.Condition] as { 'Fn::Equals': [unknown, unknown] } | undefined;
  if (!condition?.['Fn::Equals']) throw new Error(`condition ${resource.Condition} is not modelled`);
  const [a, b] = condition['Fn::Equals'].map((v) => resolve(template, v, at));
  return a === b;
}

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every policy document the template gives a role: its inline Policies and the AWS::IAM::Policy resources attached to it. */
export function rolePolicies(template: Template, roleLogicalId: string, at: Placement): { name: string; policy: unknown }[] {
  const role = template.Resources[roleLogicalId]!;
  const inline = ((role.Properties?.Policies ?? []) as { PolicyName: string; PolicyDocument: unknown }[]).map((p) => ({ name: p.PolicyName, policy: resolve(template, p.PolicyDocument, at) }));
  const attached = resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, r]) => ((r.Properties?.Roles ?? []) as { Ref?: string }[]).some((ref) => ref.Ref === roleLogicalId))
    .map(([id, r]) => ({ name: id, policy: resolve(template, r.Properties!.PolicyDocument, at) }));
  return [...inline, ...attached];
}

export function roleLogicalIdByName(template: Template, roleName: string, at: Placement): string | undefined {
  return resourcesOfType(template, 'AWS::IAM::Role').find(([, r]) => resolveString(template, r.Properties?.RoleName, at) === roleName)?.[0];
}
