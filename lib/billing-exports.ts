import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EXPORT_EVENT_BUS_NAME } from '#shared/billing/export-bucket.js';
import type { FunctionName } from './function-access.js';

export interface BillingExportsProps {
  functions: Readonly<Record<FunctionName, lambda.Function>>;
  /** The Cost Explorer collection workflow (state-machines/cost-explorer.asl.json), started by the same daily rule. */
  costExplorer: sfn.IStateMachine;
}

/**
 * The daily catch-up scan of every export bucket source, after the providers' overnight deliveries,
 * and the daily Cost Explorer collection of every account switched to it (Cost Explorer's own
 * data refreshes a few times a day; one run a day keeps the requests, each charged, few).
 */
export const EXPORT_SCAN_SCHEDULE = events.Schedule.cron({ minute: '0', hour: '6' });

/**
 * Export bucket sources in AWS: the event bus customers' accounts forward S3 "Object Created"
 * events to (the rule in the onboarding template, lib/onboarding.ts), a rule on it invoking the
 * billing-exports function, and one daily rule for the catch-up scan of every bucket source and the
 * Cost Explorer collection of every account without an export (the cost-explorer workflow, whose
 * plan step lists every tenant's Cost Explorer sources).
 *
 * The bus accepts PutEvents from any account, but only S3 "Object Created" events: an event is a
 * hint, never data. The function maps (account, bucket) to the sources registered for it and
 * lists and reads the bucket with that tenant's own role and ExternalId, so a forged event can at
 * most make a registered source look at its own bucket again.
 */
export class BillingExports extends Construct {
  readonly bus: events.EventBus;

  constructor(scope: Construct, id: string, { functions, costExplorer }: BillingExportsProps) {
    super(scope, id);
    const fn = functions['billing-exports'];
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: EXPORT_EVENT_BUS_NAME, description: 'S3 events from customers’ billing export buckets' });
    this.bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CustomerExportBucketEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': 'aws.s3', 'events:detail-type': 'Object Created' } },
      }),
    );
    new events.Rule(this, 'ExportObjectCreated', {
      description: 'Ingests new billing export files as they land in customers’ buckets',
      eventBus: this.bus,
      eventPattern: { source: ['aws.s3'], detailType: ['Object Created'] },
      // A lost event is caught up by the daily scan the next morning.
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 4, maxEventAge: Duration.hours(6) })],
    });
    new events.Rule(this, 'DailyExportScan', {
      description: 'Scans every export bucket source once a day for files no event announced, and collects every Cost Explorer source',
      schedule: EXPORT_SCAN_SCHEDULE,
      targets: [
        new targets.LambdaFunction(fn, { retryAttempts: 2 }),
        // A retried start plans again: each source's ingestion id derives from the day, so it collects once.
        new targets.SfnStateMachine(costExplorer, { input: events.RuleTargetInput.fromObject({ trigger: 'schedule', tenantId: null, ingestionId: null }), retryAttempts: 2 }),
      ],
    });
  }
}
