import { readFileSync } from 'node:fs';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FOLLOW_UPS, type WorkflowName } from '#shared/workflows.js';
import { FUNCTION_ACCESS, type FunctionName } from './function-access.js';
import { acknowledge } from './nag.js';
import { LOG_RETENTION } from './observability.js';
import { repoPath } from './repo.js';

/** The state machines: the smoke one, and every workflow the runtime starts (shared/workflows.ts). */
export type StateMachineName = 'smoke' | WorkflowName;

interface Definition {
  /** Construct id (its logical ids follow it: keep it stable). */
  id: string;
  comment: string;
  /** File under state-machines/, the one aws-local-stepfunctions runs locally. */
  file: string;
  /** The `${Placeholder}` in the file and the function it names: the machine's only task. */
  placeholder: string;
  task: FunctionName;
  /** Further `${Placeholder}` -> function pairs, for a machine with more than one task function. */
  moreTasks?: Readonly<Record<string, FunctionName>>;
}

export const STATE_MACHINES: Readonly<Record<StateMachineName, Definition>> = {
  smoke: {
    id: 'Smoke',
    comment: 'Proves an ASL file runs the same in AWS as in the local runner',
    file: 'smoke.asl.json',
    placeholder: 'SmokeStepFunctionArn',
    task: 'smoke',
  },
  ingestion: {
    id: 'Ingestion',
    comment: 'Billing ingestion: prepare, aggregate each file, commit and reconcile, clean up (functions/billing/ingest)',
    file: 'ingestion.asl.json',
    placeholder: 'IngestFunctionArn',
    task: 'ingest',
  },
  analysis: {
    id: 'Analysis',
    comment: 'Cost analysis per tenant: anomaly detection after each ingestion and daily (functions/analysis/workflow.ts)',
    file: 'analysis.asl.json',
    placeholder: 'AnalyzeFunctionArn',
    task: 'analyze',
  },
  collection: {
    id: 'Collection',
    comment: 'Inventory and utilization of connected accounts: per account, per region (functions/collect)',
    file: 'collection.asl.json',
    placeholder: 'CollectFunctionArn',
    task: 'collect',
    moreTasks: { CollectEc2FunctionArn: 'collect-ec2', CollectServicesFunctionArn: 'collect-services', RecommendFunctionArn: 'recommend' },
  },
  costexplorer: {
    id: 'CostExplorer',
    comment: 'Cost Explorer collection of connected accounts without an export, into the ingestion (functions/billing/collect)',
    file: 'cost-explorer.asl.json',
    placeholder: 'BillingExportsFunctionArn',
    task: 'billing-exports',
  },
};

/** Whether one of the machine's own task functions starts it (lib/function-access.ts startWorkflows). */
export function selfStarted(name: StateMachineName): boolean {
  const { task, moreTasks } = STATE_MACHINES[name];
  return [task, ...Object.values(moreTasks ?? {})].some((fn) => (FUNCTION_ACCESS[fn].startWorkflows as readonly string[] | undefined)?.includes(name));
}

/**
 * A machine its own task starts (the collection's plan, over more accounts than one execution
 * holds) cannot be named by reference (the machine refers to the function, the function would refer
 * to the machine: a cycle), so it gets a fixed name and its starters a formatted ARN.
 */
export function selfStartedArn(stack: Stack, name: StateMachineName): { name: string; arn: string } {
  const machineName = `${stack.stackName}-${name}`;
  return { name: machineName, arn: stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: machineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }) };
}

/** The daily collection of every connected account (UTC), before the day's analysis. */
export const COLLECTION_SCHEDULE = events.Schedule.cron({ minute: '0', hour: '5' });

/** The daily analysis of every tenant (UTC): after the overnight billing exports have landed. */
export const ANALYSIS_SCHEDULE = events.Schedule.cron({ minute: '0', hour: '7' });

export interface WorkflowsProps {
  functions: Readonly<Record<FunctionName, lambda.IFunction>>;
}

/**
 * State machines from state-machines/*.asl.json: the files aws-local-stepfunctions runs locally,
 * deployed as they are with their `${...}` placeholders substituted. The definition is inlined
 * in the template (not an S3 asset), so the one-click template of issue 11 carries it. Each logs
 * errors only, is traced, and its role may invoke its one task function and nothing else.
 */
export class Workflows extends Construct {
  readonly byName: Readonly<Record<StateMachineName, sfn.StateMachine>>;

  constructor(scope: Construct, id: string, { functions }: WorkflowsProps) {
    super(scope, id);
    const byName = {} as Record<StateMachineName, sfn.StateMachine>;
    for (const [name, definition] of Object.entries(STATE_MACHINES) as [StateMachineName, Definition][]) {
      const task = functions[definition.task];
      const more = Object.entries(definition.moreTasks ?? {}).map(([placeholder, fn]) => [placeholder, functions[fn]] as const);
      const machine = new sfn.StateMachine(this, definition.id, {
        ...(selfStarted(name) ? { stateMachineName: selfStartedArn(Stack.of(this), name).name } : {}),
        comment: definition.comment,
        definitionBody: sfn.DefinitionBody.fromString(readFileSync(repoPath('state-machines', definition.file), 'utf8')),
        definitionSubstitutions: { [definition.placeholder]: task.functionArn, ...Object.fromEntries(more.map(([p, f]) => [p, f.functionArn])) },
        logs: {
          destination: new logs.LogGroup(this, `${definition.id}Logs`, { retention: LOG_RETENTION }),
          level: sfn.LogLevel.ERROR,
          includeExecutionData: false,
        },
        tracingEnabled: true,
      });
      // Only the unqualified function the definition names: no versions or aliases (`:*`).
      machine.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [task.functionArn, ...more.map(([, f]) => f.functionArn)] }));

      acknowledge(
        machine,
        'AwsSolutions-SF1',
        name === 'smoke'
          ? 'Workflows log errors only and never execution data: the state machines that follow this one carry tenants\' ' +
              'cost data, which must not be copied into logs; X-Ray traces every execution for the rest.'
          : name === 'collection'
            ? 'Collection executions carry tenant and account ids, role ARNs, ExternalIds and presigned snapshot URLs: ' +
              'logging ALL would copy them into CloudWatch. Errors are logged, X-Ray traces every execution, and each ' +
              "account's outcome is recorded on its item (GET /v1/accounts/{id}/sync)."
            : name === 'costexplorer'
            ? 'Cost Explorer collection executions carry tenant, source and ingestion ids and their task results row and ' +
              'request counts: logging ALL would copy them into CloudWatch. Errors are logged, X-Ray traces every execution, ' +
              'and each collection records its outcome on its ingestion item (GET /v1/billing/ingestions/{id}).'
            : name === 'analysis'
            ? 'Analysis executions carry tenant ids and their task results anomaly counts: logging ALL would copy tenants\' ' +
              'data into CloudWatch. Errors are logged, X-Ray traces every execution, and each tenant\'s run records its ' +
              'outcome on its analysis run item.'
            : 'Ingestion executions carry tenant ids and file names, and their task results tenants\' cost totals: logging ' +
              'ALL would copy them into CloudWatch. Errors are logged, X-Ray traces every execution, and each ingestion ' +
              'records its own progress and failure on its item.',
      );
      acknowledge(
        machine.role,
        'AwsSolutions-IAM5[Resource::*]',
        'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray (xray:PutTraceSegments) have no ' +
          'resource-level permissions; Step Functions documents Resource "*" for both.',
      );
      byName[name] = machine;
    }
    this.byName = byName;

    // A succeeded execution starts its follow-ups (shared/workflows.ts), with its own input as `after`.
    for (const { after, start, trigger } of FOLLOW_UPS) {
      new events.Rule(this, `${STATE_MACHINES[start].id}After${STATE_MACHINES[after].id}`, {
        description: `Starts the ${start} workflow when an ${after} execution succeeds`,
        eventPattern: {
          source: ['aws.states'],
          detailType: ['Step Functions Execution Status Change'],
          detail: { status: ['SUCCEEDED'], stateMachineArn: [byName[after].stateMachineArn] },
        },
        targets: [new targets.SfnStateMachine(byName[start], { input: events.RuleTargetInput.fromObject({ trigger, after: events.EventField.fromPath('$.detail.input') }) })],
      });
    }

    // One rule for every tenant: the workflow's plan step lists them from the tenant registry.
    new events.Rule(this, 'DailyAnalysis', {
      description: 'Runs the analysis workflow for every tenant once a day',
      schedule: ANALYSIS_SCHEDULE,
      targets: [new targets.SfnStateMachine(byName.analysis, { input: events.RuleTargetInput.fromObject({ trigger: 'schedule', tenantId: null }) })],
    });

    // One rule for every connected account of every tenant: the plan step lists them.
    new events.Rule(this, 'DailyCollection', {
      description: 'Collects the inventory and utilization of every connected account once a day',
      schedule: COLLECTION_SCHEDULE,
      targets: [new targets.SfnStateMachine(byName.collection, { input: events.RuleTargetInput.fromObject({ trigger: 'schedule', tenantId: null }) })],
    });
  }

  get collection(): sfn.StateMachine {
    return this.byName.collection;
  }

  get smoke(): sfn.StateMachine {
    return this.byName.smoke;
  }

  get ingestion(): sfn.StateMachine {
    return this.byName.ingestion;
  }

  get analysis(): sfn.StateMachine {
    return this.byName.analysis;
  }
}
