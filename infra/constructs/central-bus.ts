import { Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface CentralBusProps {
  readonly busName: string;
  readonly organizationId: string;
  readonly archiveRetention: Duration;
}

/** The security account's custom bus: only the organization may put events; everything is archived for replay. */
export class CentralBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: CentralBusProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: props.busName });
    this.bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OrganizationPutEvents',
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    this.bus.archive('Archive', {
      archiveName: `${props.busName}-archive`,
      description: 'Every CloudTrail event forwarded to the guardrail, for replay',
      eventPattern: { detailType: ['AWS API Call via CloudTrail'] },
      retention: props.archiveRetention,
    });
  }
}
