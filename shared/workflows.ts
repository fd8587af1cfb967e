import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from './config.js';

/**
 * Port: starting a Step Functions workflow. In AWS, StartExecution on the state machine CDK
 * deployed; locally, the local platform registers a starter that runs the same ASL file with
 * aws-local-stepfunctions. The execution name makes starts idempotent: one ingestion, one run.
 */
export type WorkflowName = 'ingestion' | 'analysis' | 'collection' | 'costexplorer';

/**
 * Workflows that start when another one succeeds, with `{ trigger, after }` as input, `after` being
 * the finished execution's own input as a JSON string. In AWS an EventBridge rule on the first
 * machine's "Step Functions Execution Status Change" (SUCCEEDED) event starts the second
 * (lib/workflows.ts); locally the LocalWorkflowStarter does the same (local/workflows.ts). No
 * function needs the Step Functions client for it: the ingest bundle stays small.
 */
export const FOLLOW_UPS: ReadonlyArray<{ after: WorkflowName; start: WorkflowName; trigger: string }> = [
  // Every successful ingestion is followed by the tenant's analysis (anomalies).
  { after: 'ingestion', start: 'analysis', trigger: 'ingestion' },
];

export interface WorkflowStarter {
  start(workflow: WorkflowName, executionName: string, input: Record<string, unknown>): Promise<void>;
}

class StepFunctionsStarter implements WorkflowStarter {
  private client = new SFNClient({});

  async start(workflow: WorkflowName, executionName: string, input: Record<string, unknown>): Promise<void> {
    const stateMachineArn = config.stateMachineArn(workflow);
    if (!stateMachineArn) throw new Error(`no state machine configured for ${workflow}`);
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    } catch (error) {
      // Same name, same input: it is already running or ran; a retried request must not fail.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}

let starter: WorkflowStarter | undefined;

/** The local platform calls this at start-up; in AWS nothing does and Step Functions is used. */
export function useWorkflowStarter(local: WorkflowStarter): void {
  starter = local;
}

export function workflowStarter(): WorkflowStarter {
  starter ??= new StepFunctionsStarter();
  return starter;
}
