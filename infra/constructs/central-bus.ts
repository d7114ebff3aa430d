import { CLOUDTRAIL_API_CALL, CONSOLE_SIGN_IN } from '../../functions/core/policy/compile-event-patterns.ts';
import { Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface CentralBusProps {
  readonly busName: string;
  readonly organizationId: string;
  /** ARN pattern of the member accounts' forwarding roles, the only principals that may put events. */
  readonly forwarderRoleArnPattern: string;
  readonly archiveRetention: Duration;
}

/**
 * The security account's custom bus: only the organization's forwarding roles may put events (a member
 * account's other principals cannot inject CloudTrail look-alikes); everything is archived for replay.
 * A cross-account rule target with a role puts events as that role, so the policy can name it.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
 */
export class CentralBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: CentralBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationForwarders',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: {
          StringEquals: { 'aws:PrincipalOrgID': props.organizationId },
          ArnLike: { 'aws:PrincipalArn': props.forwarderRoleArnPattern },
        },
      }),
    );
    this.bus.archive('Archive', {
      archiveName: `${props.busName}-archive`,
      description: 'Every CloudTrail event forwarded to the guardrail, for replay',
      eventPattern: { detailType: [CLOUDTRAIL_API_CALL, ...CONSOLE_SIGN_IN] },
      retention: props.archiveRetention,
    });
  }
}
