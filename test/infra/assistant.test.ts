import { beforeAll, describe, expect, it } from 'vitest';
import { findingsOf, readValidationReport } from './nag-report.js';
import { actionsOf, refOf, resourcesOf, statementsOfRole, synthesize, type Synthesized } from './synth.js';

/** The assistant in AWS: Bedrock only when a model is configured, only for the assistant, only on that model. */
const PROFILE = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

const functionsOf = (s: Synthesized) =>
  Object.entries(resourcesOf(s.template, 'AWS::Lambda::Function')).map(([id, fn]) => ({
    id,
    name: (fn.Properties as any).Environment?.Variables?.POWERTOOLS_SERVICE_NAME as string,
    env: ((fn.Properties as any).Environment?.Variables ?? {}) as Record<string, unknown>,
    roleId: refOf((fn.Properties as any).Role)!,
  }));
const bedrockStatements = (s: Synthesized, roleId: string) => statementsOfRole(s.template, roleId).filter((st) => actionsOf(st).some((a) => a.startsWith('bedrock:')));

describe('assistant without a model (default)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize();
  });

  it('gives no function Bedrock access or a model id: the local engine answers', () => {
    const fns = functionsOf(s);
    expect(fns.map((f) => f.name)).toContain('assistant');
    for (const f of fns) {
      expect(bedrockStatements(s, f.roleId), f.name).toEqual([]);
      expect(f.env.ASSISTANT_MODEL_ID, f.name).toBeUndefined();
    }
  });
});

describe('assistant with context assistantModelId (a cross-region inference profile)', () => {
  let s: Synthesized;
  beforeAll(() => {
    s = synthesize({ context: { assistantModelId: PROFILE } });
  });

  it('gives only the assistant the model id and bedrock:InvokeModel on that profile and its model, nothing else', () => {
    for (const f of functionsOf(s)) {
      const statements = bedrockStatements(s, f.roleId);
      if (f.name !== 'assistant') {
        expect(statements, f.name).toEqual([]);
        expect(f.env.ASSISTANT_MODEL_ID, f.name).toBeUndefined();
        continue;
      }
      expect(f.env.ASSISTANT_MODEL_ID).toBe(PROFILE);
      expect(statements).toHaveLength(1);
      expect(actionsOf(statements[0]!)).toEqual(['bedrock:InvokeModel']);
      const resources = JSON.stringify(statements[0]!.Resource);
      expect(resources).toContain(`:inference-profile/${PROFILE}`);
      expect(resources).toContain(':bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0');
      expect(resources).not.toMatch(/foundation-model\/\*/);
    }
  });

  it('leaves no unacknowledged cdk-nag finding', () => {
    expect(findingsOf(readValidationReport(s.outdir))).toEqual([]);
  });
});
