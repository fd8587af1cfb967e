import { readFileSync } from 'node:fs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from './nag.js';
import { LOG_RETENTION } from './observability.js';
import { repoPath } from './repo.js';

export interface WorkflowsProps {
  smokeFunction: lambda.IFunction;
}

/**
 * State machines from state-machines/*.asl.json: the files aws-local-stepfunctions runs locally,
 * deployed as they are with their `${...}` placeholders substituted. The definition is inlined
 * in the template (not an S3 asset), so the one-click template of issue 11 carries it.
 */
export class Workflows extends Construct {
  readonly smoke: sfn.StateMachine;

  constructor(scope: Construct, id: string, { smokeFunction }: WorkflowsProps) {
    super(scope, id);

    this.smoke = new sfn.StateMachine(this, 'Smoke', {
      comment: 'Proves an ASL file runs the same in AWS as in the local runner',
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(repoPath('state-machines', 'smoke.asl.json'), 'utf8')),
      definitionSubstitutions: { SmokeStepFunctionArn: smokeFunction.functionArn },
      logs: {
        destination: new logs.LogGroup(this, 'SmokeLogs', { retention: LOG_RETENTION }),
        level: sfn.LogLevel.ERROR,
        includeExecutionData: false,
      },
      tracingEnabled: true,
    });
    // Only the unqualified function the definition names: no versions or aliases (`:*`).
    this.smoke.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [smokeFunction.functionArn] }));

    acknowledge(
      this.smoke,
      'AwsSolutions-SF1',
      'Workflows log errors only and never execution data: the state machines that follow this one carry tenants\' ' +
        'cost data, which must not be copied into logs; X-Ray traces every execution for the rest.',
    );
    acknowledge(
      this.smoke.role,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs delivery (logs:CreateLogDelivery and friends) and X-Ray (xray:PutTraceSegments) have no ' +
        'resource-level permissions; Step Functions documents Resource "*" for both.',
    );
  }
}
