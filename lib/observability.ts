import { Aws, Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { FunctionName } from './function-access.js';
import type { StateMachineName } from './workflows.js';

export interface ObservabilityProps {
  stage: apigw.Stage;
  functions: Readonly<Record<FunctionName, lambda.IFunction>>;
  stateMachines: Readonly<Record<StateMachineName, sfn.IStateMachine>>;
  deadLetters: sqs.IQueue;
  topic: sns.ITopic;
}

/** How long every log group (functions, API access, workflows, console upload) keeps its logs. */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One dashboard for the whole platform, and alarms on what needs a person: any API 5xx, any
 * throttled function, any authorizer error (every protected call depends on it), anything in the
 * DLQ, any failed workflow execution.
 */
export class Observability extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, { stage, functions, stateMachines, deadLetters, topic }: ObservabilityProps) {
    super(scope, id);
    const notify = new actions.SnsAction(topic);
    const alarm = (name: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmDescription: description,
        metric,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No data means no requests (or no messages), which is not a failure.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    const sum = { period: FIVE_MINUTES, statistic: cloudwatch.Stats.SUM };
    const server5xx = stage.metricServerError(sum);
    const deadLetterDepth = deadLetters.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cloudwatch.Stats.MAXIMUM });
    const authorizerErrors = functions.authorizer.metricErrors(sum);

    alarm('Api5xx', server5xx, 'The API answered 5xx in the last 5 minutes.');
    alarm('AuthorizerErrors', authorizerErrors, 'The authorizer failed (not refused: failed); every protected route depends on it.');
    alarm('DeadLetters', deadLetterDepth, 'Asynchronous work failed and is waiting in the dead-letter queue.');
    const names = Object.keys(functions).sort() as FunctionName[];
    for (const name of names) {
      alarm(`Throttles-${name}`, functions[name].metricThrottles(sum), `The ${name} function was throttled (concurrency limit reached).`);
    }
    const machines = Object.keys(stateMachines).sort() as StateMachineName[];
    for (const name of machines) {
      alarm(
        `WorkflowFailed-${name}`,
        stateMachines[name].metricFailed(sum),
        `A ${name} workflow execution failed; find it under Step Functions > ${name} > Executions (status Failed).`,
      );
    }

    const each = (metric: (fn: lambda.IFunction) => cloudwatch.IMetric) =>
      names.map((name) => (metric(functions[name]) as cloudwatch.Metric).with({ label: name }));
    const wide = { width: 12, height: 6 };
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      // Named after the stack, so two installs in one account and region do not collide.
      dashboardName: Aws.STACK_NAME,
      defaultInterval: Duration.hours(3),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'API requests and errors',
            left: [
              stage.metricCount({ ...sum, label: 'requests' }),
              stage.metricClientError({ ...sum, label: '4xx' }),
              stage.metricServerError({ ...sum, label: '5xx' }),
            ],
            ...wide,
          }),
          new cloudwatch.GraphWidget({
            title: 'API latency (ms)',
            left: ['p50', 'p95', 'p99'].map((statistic) => stage.metricLatency({ period: FIVE_MINUTES, statistic, label: statistic })),
            ...wide,
          }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Function errors', left: each((fn) => fn.metricErrors(sum)), ...wide }),
          new cloudwatch.GraphWidget({ title: 'Function throttles', left: each((fn) => fn.metricThrottles(sum)), ...wide }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function duration p95 (ms)',
            left: each((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p95' })),
            ...wide,
          }),
          new cloudwatch.GraphWidget({
            title: 'Authorizer errors and DLQ depth',
            left: [authorizerErrors.with({ label: 'authorizer errors' })],
            right: [deadLetterDepth.with({ label: 'messages in DLQ' })],
            ...wide,
          }),
        ],
        machines.map(
          (name) =>
            new cloudwatch.GraphWidget({
              title: `Workflow: ${name}`,
              left: [
                stateMachines[name].metricStarted({ ...sum, label: 'started' }),
                stateMachines[name].metricSucceeded({ ...sum, label: 'succeeded' }),
                stateMachines[name].metricFailed({ ...sum, label: 'failed' }),
              ],
              width: Math.max(6, Math.floor(24 / machines.length)),
              height: 6,
            }),
        ),
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
      ],
    });
  }
}
