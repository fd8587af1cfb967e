import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from './config.js';

/**
 * Port: starting a Step Functions workflow. In AWS, StartExecution on the state machine CDK
 * deployed; locally, the local platform registers a starter that runs the same ASL file with
 * aws-local-stepfunctions. The execution name makes starts idempotent: one ingestion, one run.
 */
export type WorkflowName = 'ingestion';

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
