import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Role, ServicePrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PolicyBundle } from '../../functions/config/runtime-policy.ts';
import { functionCode } from './function-bundle.ts';
import { FUNCTION_TIMEOUT } from './function-timeout.ts';

export interface GuardrailFunctionProps {
  readonly entry: string;
  readonly functionName: string;
  readonly roleName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly policyBundle: PolicyBundle;
  readonly reservedConcurrency: number;
  /** Defaults to the containment timeout (function-timeout.ts). */
  readonly timeout?: Duration;
}

/**
 * The one place Lambda defaults live: Node.js 24 on arm64, an ESM bundle (function-bundle.ts) with the
 * validated policy embedded, its own log group and a role with a deterministic name (the
 * responder roles trust it by ARN).
 */
export class GuardrailFunction extends Construct {
  readonly function: LambdaFunction;
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
    this.function = new LambdaFunction(this, 'Function', {
      functionName: props.functionName,
      code: functionCode(props.entry, props.policyBundle),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup,
      tracing: Tracing.ACTIVE,
      // No --enable-source-maps: it costs about a fifth of bare Node's start on every cold start
      // (bench/guard-bundle.mjs). The maps ship in the asset; set NODE_OPTIONS to read traces by name.
      environment: { ...props.environment, POWERTOOLS_SERVICE_NAME: props.functionName },
    });
  }
}
