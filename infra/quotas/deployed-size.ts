/** One CloudFormation resource as synthesized. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Condition?: string;
}
export interface SynthesizedTemplate {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, unknown>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

/**
 * The longest a pseudo parameter can resolve to: partitions up to `aws-us-gov`, Region names up to
 * `ap-southeast-2`'s 14 characters, URL suffixes up to `amazonaws.com.cn`.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/pseudo-parameter-reference.html
 */
const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '0'.repeat(12),
  'AWS::Region': 'r'.repeat(14),
  'AWS::Partition': 'p'.repeat(10),
  'AWS::URLSuffix': 'u'.repeat(16),
  'AWS::StackName': 's'.repeat(128),
  'AWS::StackId': 'i'.repeat(200),
};

/** A name CloudFormation generates (stack name, logical id and a suffix, cut to the service's length). */
const GENERATED_NAME = 'n'.repeat(128);
/** What an ARN or URL adds around a name: scheme, partition, service, Region and account. */
const ARN_FRAME = 'a'.repeat(64);
const NAME_PROPERTIES = ['RoleName', 'FunctionName', 'QueueName', 'TopicName', 'TableName', 'Name', 'ManagedPolicyName', 'PolicyName', 'AliasName'];

/**
 * The template's value with every intrinsic function replaced by the longest text it can resolve to, so that
 * a size measured on the result is an upper bound of the deployed size: a quota that holds here holds when
 * deployed. `Fn::If` counts its longer branch; `AWS::NoValue` drops the property.
 */
export function deployedBound(value: unknown, template: SynthesizedTemplate): unknown {
  if (Array.isArray(value)) return value.map((v) => deployedBound(v, template)).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0]!;
    const intrinsic = resolveIntrinsic(fn, arg, template);
    if (intrinsic !== NOT_INTRINSIC) return intrinsic;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const bound = deployedBound(v, template);
    if (bound !== undefined) out[k] = bound;
  }
  return out;
}

const NOT_INTRINSIC = Symbol('not an intrinsic');

function resolveIntrinsic(fn: string, arg: unknown, template: SynthesizedTemplate): unknown {
  switch (fn) {
    case 'Ref':
      return refBound(String(arg), template);
    case 'Fn::GetAtt': {
      const [logicalId] = Array.isArray(arg) ? arg : String(arg).split('.');
      return ARN_FRAME + nameOf(String(logicalId), template);
    }
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      const resolved = deployedBound(parts, template);
      return (Array.isArray(resolved) ? resolved : [resolved]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(separator);
    }
    case 'Fn::Sub': {
      const [text, variables] = (Array.isArray(arg) ? arg : [arg, {}]) as [string, Record<string, unknown>];
      return text.replace(/\$\{([^}!]+)\}/g, (_m, name: string) => {
        if (name in variables) return String(deployedBound(variables[name], template));
        const [logicalId, attribute] = name.split('.');
        return attribute ? ARN_FRAME + nameOf(logicalId!, template) : String(refBound(logicalId!, template));
      });
    }
    case 'Fn::If': {
      const [, whenTrue, whenFalse] = arg as [string, unknown, unknown];
      const a = deployedBound(whenTrue, template);
      const b = deployedBound(whenFalse, template);
      return JSON.stringify(a ?? '').length >= JSON.stringify(b ?? '').length ? a : b;
    }
    case 'Fn::ToJsonString':
      return JSON.stringify(deployedBound(arg, template));
    case 'Fn::Base64':
      return 'b'.repeat(Math.ceil((String(deployedBound(arg, template)).length * 4) / 3));
    case 'Fn::Select':
    case 'Fn::ImportValue':
    case 'Fn::FindInMap':
    case 'Fn::GetAZs':
    case 'Fn::Split':
    case 'Fn::Cidr':
      return GENERATED_NAME;
    default:
      return NOT_INTRINSIC;
  }
}

function refBound(name: string, template: SynthesizedTemplate): unknown {
  if (name === 'AWS::NoValue') return undefined;
  if (name in PSEUDO) return PSEUDO[name];
  const parameter = template.Parameters?.[name];
  if (parameter) return typeof parameter.Default === 'string' ? parameter.Default : GENERATED_NAME;
  const resource = template.Resources[name];
  // Ref of a topic is its ARN, of a queue its URL: the name plus its frame.
  return resource ? ARN_FRAME + nameOf(name, template) : GENERATED_NAME;
}

function nameOf(logicalId: string, template: SynthesizedTemplate): string {
  const properties = template.Resources[logicalId]?.Properties ?? {};
  for (const key of NAME_PROPERTIES) {
    const name = properties[key];
    if (name !== undefined) {
      const bound = deployedBound(name, template);
      if (typeof bound === 'string') return bound;
    }
  }
  return GENERATED_NAME;
}

/** Bytes of the value as JSON without whitespace: how SQS, SNS and KMS measure a policy. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Characters of the value as JSON: IAM, Organizations and EventBridge count characters, IAM without whitespace. */
export function jsonCharacters(value: unknown): number {
  return JSON.stringify(value).length;
}
