import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type ValidationReport, readValidationReport } from './nag-report.js';
import { synthesize } from './synth.js';

/**
 * Audits the acknowledgements themselves: lib/nag.ts's acknowledge() is replaced by a recorder, so
 * cdk-nag reports every finding, and each acknowledgement must answer at least one real finding on
 * its construct (no stale or speculative ones), with a reason that says something.
 */
const acknowledged = vi.hoisted(() => [] as { path: string; id: string; reason: string }[]);

vi.mock('../../lib/nag.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../lib/nag.js')>()),
  acknowledge: (scope: IConstruct, id: string, reason: string) => {
    acknowledged.push({ path: scope.node.path, id, reason });
  },
}));

const covers = (ackPath: string, constructPath: string) => constructPath === ackPath || constructPath.startsWith(`${ackPath}/`);

describe('cdk-nag acknowledgements', () => {
  let findings: { rule: string; path: string }[];
  beforeAll(() => {
    // Unacknowledged, the findings are errors: keep synth going so the report can be read.
    const report: ValidationReport = readValidationReport(synthesize({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } }).outdir);
    findings = report.pluginReports
      .filter((r) => r.pluginName === 'AwsSolutions')
      .flatMap((r) => r.violations.flatMap((v) => v.violatingConstructs.map((c) => ({ rule: v.ruleName, path: c.constructPath }))));
  });

  it('has findings to acknowledge (the pack really ran)', () => {
    expect(findings.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
  });

  it('gives every acknowledgement a reason of its own, on a resource rather than the whole stack', () => {
    for (const { id, path, reason } of acknowledged) {
      expect(reason.length, `${id} at ${path}: "${reason}"`).toBeGreaterThanOrEqual(30);
      expect(path.split('/').length, `${id} is acknowledged stack-wide at ${path}`).toBeGreaterThan(1);
    }
  });

  it('acknowledges only findings that exist', () => {
    const stale = acknowledged.filter((ack) => !findings.some((f) => f.rule === ack.id && covers(ack.path, f.path)));
    expect(stale.map((a) => `${a.id} at ${a.path}`)).toEqual([]);
  });

  it('acknowledges every finding there is', () => {
    const open = findings.filter((f) => !acknowledged.some((ack) => f.rule === ack.id && covers(ack.path, f.path)));
    expect(open.map((f) => `${f.rule} at ${f.path}`)).toEqual([]);
  });
});
