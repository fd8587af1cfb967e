import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CloudOptimaStack } from './stack.js';

/** Context arrives as strings from `-c key=value` and as JSON values from cdk.json. */
function flag(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === true || value === 'true';
}

/**
 * The CDK app: one CloudOptimaStack, checked by the cdk-nag AwsSolutions pack at synth. bin/app.ts
 * runs it for the CLI; the infra tests build the very same app.
 *
 * Context: `protectData` (default true), `threatProtection` (default false), `alarmEmail`,
 * `consoleDomain` with `consoleCertificateArn`, `assistantModelId` (the assistant's Bedrock model).
 */
export function cloudOptimaApp(props: AppProps = {}): { app: App; stack: CloudOptimaStack } {
  const app = new App(props);
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const consoleDomain = context('consoleDomain');
  const consoleCertificateArn = context('consoleCertificateArn');
  const alarmEmail = context('alarmEmail');
  const onboardingTemplateUrl = context('onboardingTemplateUrl');
  const assistantModelId = context('assistantModelId');

  const stack = new CloudOptimaStack(app, 'CloudOptima', {
    protectData: flag(context('protectData'), true),
    threatProtection: flag(context('threatProtection'), false),
    ...(typeof alarmEmail === 'string' ? { alarmEmail } : {}),
    ...(typeof onboardingTemplateUrl === 'string' ? { onboardingTemplateUrl } : {}),
    ...(typeof assistantModelId === 'string' && assistantModelId ? { assistantModelId } : {}),
    ...(typeof consoleDomain === 'string' && typeof consoleCertificateArn === 'string'
      ? { consoleDomain: { domainName: consoleDomain, certificateArn: consoleCertificateArn } }
      : {}),
  });
  // cdk-nag 3 is a policy-validation plugin, not an Aspect: findings fail the synth (errors) or print (warnings).
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
