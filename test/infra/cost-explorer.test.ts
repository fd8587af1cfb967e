import { beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_ROLES } from '../../lib/function-access.js';
import { STATE_MACHINES } from '../../lib/workflows.js';
import { actionsOf, refOf, resourcesOf, statementsOfRole, synthesize, type Synthesized } from './synth.js';

/** Cost Explorer collection in AWS: the daily rule, the workflow's task, and the assumed role it reads with. */
let s: Synthesized;
beforeAll(() => {
  s = synthesize();
});

const functionNamed = (name: string) => {
  const found = Object.entries(resourcesOf(s.template, 'AWS::Lambda::Function')).filter(([, fn]) => (fn.Properties as any).Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name);
  expect(found, name).toHaveLength(1);
  return { id: found[0]![0], roleId: refOf((found[0]![1].Properties as any).Role)! };
};
const costExplorerMachine = () => {
  const found = Object.entries(resourcesOf(s.template, 'AWS::StepFunctions::StateMachine')).filter(([, m]) => STATE_MACHINES.costexplorer.placeholder in ((m.Properties as any).DefinitionSubstitutions ?? {}));
  expect(found).toHaveLength(1);
  return { id: found[0]![0], props: found[0]![1].Properties as any };
};

describe('Cost Explorer collection', () => {
  it('runs with the billing-exports function as its task', () => {
    expect(STATE_MACHINES.costexplorer).toMatchObject({ file: 'cost-explorer.asl.json', task: 'billing-exports' });
    const { props } = costExplorerMachine();
    expect(props.DefinitionSubstitutions).toEqual({ BillingExportsFunctionArn: { 'Fn::GetAtt': [functionNamed('billing-exports').id, 'Arn'] } });
  });

  it('starts from the daily billing-exports rule at 06:00 UTC, beside the bucket scan, for every tenant', () => {
    const rules = Object.values(resourcesOf(s.template, 'AWS::Events::Rule')).map((r) => r.Properties as any).filter((r) => r.ScheduleExpression === 'cron(0 6 * * ? *)');
    expect(rules).toHaveLength(1);
    const targets = rules[0].Targets as any[];
    expect(targets.map((t) => refOf(t.Arn))).toEqual(expect.arrayContaining([functionNamed('billing-exports').id, costExplorerMachine().id]));
    const machineTarget = targets.find((t) => refOf(t.Arn) === costExplorerMachine().id);
    expect(JSON.parse(machineTarget.Input)).toEqual({ trigger: 'schedule', tenantId: null, ingestionId: null });
    expect(machineTarget.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 2 });
  });

  it('reads Cost Explorer through the customer role: billing-exports may assume only roles on the onboarding path, with an ExternalId, and has no Cost Explorer access of its own', () => {
    const statements = statementsOfRole(s.template, functionNamed('billing-exports').roleId);
    const assume = statements.filter((st) => actionsOf(st).includes('sts:AssumeRole'));
    expect(assume.some((st) => st.Resource === CUSTOMER_ROLES && JSON.stringify(st.Condition).includes('sts:ExternalId'))).toBe(true);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('ce:'))).toEqual([]);
  });
});
