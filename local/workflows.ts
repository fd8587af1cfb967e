import { FOLLOW_UPS, type WorkflowName, type WorkflowStarter } from '#shared/workflows.js';
import { runStateMachine, type LocalTask } from './stepfunctions.js';

/**
 * Starts workflows on the local platform: the same ASL file Step Functions runs in AWS, executed
 * in this process by aws-local-stepfunctions with the real Lambda handlers as its tasks. Like
 * StartExecution it returns at once; `settled()` waits for every run (tests, the demo seed).
 */
const DEFINITIONS: Record<WorkflowName, { file: string; substitutions: Record<string, string> }> = {
  ingestion: { file: 'state-machines/ingestion.asl.json', substitutions: { IngestFunctionArn: 'cloudoptima-ingest' } },
  analysis: { file: 'state-machines/analysis.asl.json', substitutions: { AnalyzeFunctionArn: 'cloudoptima-analyze' } },
  costexplorer: { file: 'state-machines/cost-explorer.asl.json', substitutions: { BillingExportsFunctionArn: 'cloudoptima-billing-exports' } },
  collection: {
    file: 'state-machines/collection.asl.json',
    substitutions: { CollectFunctionArn: 'cloudoptima-collect', CollectEc2FunctionArn: 'cloudoptima-collect-ec2', CollectServicesFunctionArn: 'cloudoptima-collect-services', RecommendFunctionArn: 'cloudoptima-recommend' },
  },
};

export class LocalWorkflowStarter implements WorkflowStarter {
  private readonly started = new Set<string>();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly tasks: Record<string, LocalTask>,
    private readonly log: (line: string) => void,
  ) {}

  async start(workflow: WorkflowName, executionName: string, input: Record<string, unknown>): Promise<void> {
    // Execution names are unique, as in Step Functions: a repeated start is a no-op.
    if (this.started.has(executionName)) return;
    this.started.add(executionName);
    const { file, substitutions } = DEFINITIONS[workflow];
    const run = runStateMachine({ definitionFile: file, tasks: this.tasks, substitutions, retryIntervalOverrides: 100, input })
      .then((result) => {
        if (result.status !== 'SUCCEEDED') this.log(`[workflow] ${workflow} ${executionName} ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`);
        // What the EventBridge rules do in AWS: a succeeded execution starts its follow-ups.
        else for (const next of FOLLOW_UPS.filter((f) => f.after === workflow)) void this.start(next.start, `${next.start}-${executionName}`, { trigger: next.trigger, after: JSON.stringify(input) });
      })
      .catch((error: unknown) => this.log(`[workflow] ${workflow} ${executionName} could not run: ${(error as Error).message}`))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  async settled(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
