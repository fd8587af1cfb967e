import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of CDK's validation-report.json (cloud assembly) the nag tests read. */
export interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: 'success' | 'failure';
    violations: {
      ruleName: string;
      severity: string;
      description: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

export const readValidationReport = (outdir: string): ValidationReport =>
  JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;

/** One line per finding and construct: readable when an assertion fails. */
export const findingsOf = (report: ValidationReport, plugin?: string): string[] =>
  report.pluginReports
    .filter((r) => plugin === undefined || r.pluginName === plugin)
    .flatMap((r) =>
      r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${r.pluginName} ${v.severity} ${v.ruleName} at ${c.constructPath}: ${v.description}`)),
    );
