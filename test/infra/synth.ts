import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cloudOptimaApp } from '../../lib/app.js';
import { repoPath } from '../../lib/repo.js';
import type { CloudOptimaStack } from '../../lib/stack.js';

/** The feature flags `cdk synth` uses, so the tests see the template the CLI deploys. */
export const CDK_CONTEXT: Record<string, unknown> = (JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface Synthesized {
  app: App;
  stack: CloudOptimaStack;
  template: Template;
  /** The cloud assembly directory (templates, assets, validation-report.json). */
  outdir: string;
}

export interface SynthOptions {
  context?: Record<string, unknown>;
  /**
   * CDK's built-in CloudFormation template validation (what `cdk synth` runs). It costs about two
   * seconds per synth, so only the test that asserts a clean validation report turns it on.
   */
  cfnValidation?: boolean;
}

/** Builds the app exactly as bin/app.ts does (cdk-nag included) and synthesizes it once. */
export function synthesize({ context = {}, cfnValidation = false }: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'cloudoptima-cdk-'));
  const { app, stack } = cloudOptimaApp({ outdir, context: { ...CDK_CONTEXT, ...context }, builtinCloudFormationValidation: cfnValidation });
  return { app, stack, template: Template.fromStack(stack), outdir };
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> } & Record<string, unknown>>;

/** Every resource of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** `Ref`/`Fn::GetAtt` target of a CloudFormation reference, or undefined. */
export function refOf(value: unknown): string | undefined {
  if (value && typeof value === 'object') {
    if ('Ref' in value) return String((value as { Ref: unknown }).Ref);
    if ('Fn::GetAtt' in value) return String((value as { 'Fn::GetAtt': unknown[] })['Fn::GetAtt'][0]);
  }
  return undefined;
}

/** API Gateway resource logical id -> its full path (`/v1/users/{id}`), walking ParentId up to the root. */
export function resourcePaths(template: Template): Map<string, string> {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const pathOf = (id: string): string => {
    const props = resources[id]!.Properties as { ParentId: unknown; PathPart: string };
    const parent = refOf(props.ParentId);
    return `${parent && resources[parent] ? pathOf(parent) : ''}/${props.PathPart}`;
  };
  return new Map(Object.keys(resources).map((id) => [id, pathOf(id)]));
}

/** Policy statements of every IAM policy attached to a role (its inline policies and AWS::IAM::Policy resources). */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}

export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const role = resourcesOf(template, 'AWS::IAM::Role')[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const inline = ((role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const attached = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => ((policy.Properties!.Roles ?? []) as unknown[]).some((r) => refOf(r) === roleId))
    .flatMap((policy) => (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

export const actionsOf = (statement: Statement): string[] => [statement.Action].flat();
