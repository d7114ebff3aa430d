import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, Metric, type IAlarm, AlarmStatusWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

export interface GuardrailDashboardProps {
  readonly alarms: readonly IAlarm[];
}

const metric = (metricName: string, statistic = 'Sum') =>
  new Metric({ namespace: 'AgentGuardrail', metricName, dimensionsMap: { service: 'guard' }, statistic, period: Duration.minutes(5) });

/** Violations, containments, failures and time-to-contain (p50/p99) from the guard's EMF metrics. */
export class GuardrailDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: GuardrailDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'AgentGuardrail' });
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Violations and containments', left: [metric('Violations'), metric('Containments'), metric('ContainmentFailures'), metric('Rejected')], width: 12 }),
      new GraphWidget({ title: 'Time to contain (ms)', left: [metric('TimeToContain', 'p50'), metric('TimeToContain', 'p99')], width: 12 }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24 }),
    );
  }
}
