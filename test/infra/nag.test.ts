import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ValidationReport, findingsOf, readValidationReport } from './nag-report.js';
import { type Synthesized, synthesize } from './synth.js';

/**
 * cdk-nag 3 runs as a CDK policy-validation plugin at synth (Validations.of(app).addPlugins): an
 * unacknowledged error makes app.synth() throw, and every finding, warnings included, is written to
 * validation-report.json in the cloud assembly. This synthesizes the app bin/app.ts runs, with CDK's
 * own CloudFormation template checks on, as `cdk synth` has them.
 */
describe('cdk-nag AwsSolutions', () => {
  let s: Synthesized;
  let report: ValidationReport;
  beforeAll(() => {
    s = synthesize({ cfnValidation: true });
    report = readValidationReport(s.outdir);
  });

  it('leaves no unacknowledged error or warning, from cdk-nag or any other validation', () => {
    expect(findingsOf(report)).toEqual([]);
    expect(report.pluginReports.filter((r) => r.conclusion !== 'success')).toEqual([]);
  });

  it('explains every AwsSolutions acknowledgement in the tree, however it was made', () => {
    const reasons = s.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
        .filter(([id]) => id.includes('AwsSolutions-'))
        .map(([id, reason]) => ({ at: `${id} at ${construct.node.path}`, reason })),
    );
    expect(reasons.length).toBeGreaterThan(0);
    for (const { at, reason } of reasons) expect(reason.length, at).toBeGreaterThanOrEqual(30);
  });
});
