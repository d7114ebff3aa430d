import type { IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';

/**
 * Runs a validation plugin with jsii deprecation warnings off. cdk-nag's EventBridge rule (AwsSolutions-EVB1)
 * reads CfnEventBusPolicy's deprecated `principal`, which prints a warning for code that is not ours; the
 * stacks are built before validation with warnings on, so a deprecated API of our own still shows.
 * (jsii reads JSII_DEPRECATED on every warning: aws-cdk-lib/.warnings.jsii.js.)
 */
export class QuietDeprecations implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];

  constructor(private readonly plugin: IPolicyValidationPlugin) {
    this.name = plugin.name;
    this.version = plugin.version;
    this.ruleIds = plugin.ruleIds;
  }

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const before = process.env.JSII_DEPRECATED;
    process.env.JSII_DEPRECATED = 'quiet';
    try {
      return this.plugin.validate(context);
    } finally {
      if (before === undefined) delete process.env.JSII_DEPRECATED;
      else process.env.JSII_DEPRECATED = before;
    }
  }
}
