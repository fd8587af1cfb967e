import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlertChannels } from './alert-channels.js';
import { Alerts } from './alerts.js';
import { Api } from './api.js';
import { BillingExports } from './billing-exports.js';
import { Auth, type FederationProps } from './auth.js';
import { Console, type ConsoleDomain } from './console.js';
import { Data } from './data.js';
import { Functions } from './functions.js';
import { Observability } from './observability.js';
import { OnboardingTemplates } from './onboarding-templates.js';
import { Storage, objectsUploadOrigin } from './storage.js';
import { Workflows } from './workflows.js';

export interface CloudOptimaStackProps extends StackProps {
  /**
   * Deletion protection on the table and the user pool, and both (with the table's key), the
   * objects bucket and its key kept when the stack is deleted. Turn off only for throw-away stacks.
   * Default true.
   */
  protectData?: boolean;
  /** Cognito threat protection, ENFORCED; needs the Plus feature plan (billed per active user). Default false. */
  threatProtection?: boolean;
  /** An operator address subscribed to the alarms topic. */
  alarmEmail?: string;
  /** SAML / OIDC sign-in next to email and password. Default none. */
  federation?: FederationProps;
  /** Serve the console on a domain of your own instead of *.cloudfront.net. */
  consoleDomain?: ConsoleDomain;
  /**
   * The S3 URL where you published shared/accounts/onboarding-template.json yourself (`npm run
   * build:onboarding` renders it). Default: the copy this stack publishes (lib/onboarding-templates.ts),
   * which the API's one-click quick-create links name.
   */
  onboardingTemplateUrl?: string;
  /** The assistant's Amazon Bedrock model or inference profile id (Converse with tool use). Default none: the local engine answers. */
  assistantModelId?: string;
}

/**
 * The whole platform in one stack, so it can ship as one CloudFormation template: data, objects,
 * identity, functions, the API built from the route table, the console, workflows, alerts and
 * observability.
 */
export class CloudOptimaStack extends Stack {
  readonly data: Data;
  readonly storage: Storage;
  readonly auth: Auth;
  readonly functions: Functions;
  readonly api: Api;
  readonly console: Console;
  readonly onboardingTemplates: OnboardingTemplates;
  readonly alerts: Alerts;
  readonly alertChannels: AlertChannels;
  readonly workflows: Workflows;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: CloudOptimaStackProps = {}) {
    super(scope, id, { description: 'CloudOptima: multi-tenant FinOps platform (API, console, data)', ...props });
    const protect = props.protectData ?? true;

    this.alerts = new Alerts(this, 'Alerts', { email: props.alarmEmail });
    this.data = new Data(this, 'Data', { protect });

    // The console's CSP names the API origin and the API's CORS names the console origin. The
    // template has no cycle (the CSP needs only the REST API's id) but construction order does,
    // so the API origin is read when the template is written.
    let api: Api | undefined;
    const apiOrigin = Lazy.string({
      produce: () => {
        if (!api) throw new Error('the API must be built before the stack is synthesized');
        return api.origin;
      },
    });
    const hostedSignIn = props.federation ? [`https://${props.federation.domainPrefix}.auth.${this.region}.amazoncognito.com`] : [];
    // Browsers upload billing exports straight to the objects bucket (presigned PUT URLs).
    const uploads = objectsUploadOrigin(this);
    this.console = new Console(this, 'Console', { connectSources: [apiOrigin, uploads, ...hostedSignIn], customDomain: props.consoleDomain });
    this.storage = new Storage(this, 'Storage', { protect, consoleOrigin: this.console.origin, accessLogs: this.console.logsBucket });
    this.onboardingTemplates = new OnboardingTemplates(this, 'OnboardingTemplates', { accessLogs: this.console.logsBucket });

    this.auth = new Auth(this, 'Auth', {
      protect,
      threatProtection: props.threatProtection ?? false,
      consoleOrigin: this.console.origin,
      federation: props.federation,
    });
    this.functions = new Functions(this, 'Functions', {
      data: this.data,
      auth: this.auth,
      storage: this.storage,
      consoleOrigin: this.console.origin,
      // The templates this stack publishes, unless the operator publishes its own (context onboardingTemplateUrl).
      onboardingTemplateUrl: props.onboardingTemplateUrl ?? this.onboardingTemplates.memberTemplateUrl,
      organizationTemplateUrl: this.onboardingTemplates.organizationTemplateUrl,
      ...(props.assistantModelId ? { assistantModelId: props.assistantModelId } : {}),
    });
    this.api = api = new Api(this, 'Api', { functions: this.functions, consoleOrigin: this.console.origin });
    this.console.publish({
      apiUrl: this.api.url,
      region: this.region,
      userPoolId: this.auth.userPool.userPoolId,
      userPoolClientId: this.auth.client.userPoolClientId,
    });

    this.workflows = new Workflows(this, 'Workflows', { functions: this.functions.byName });
    this.functions.connectWorkflows(this.workflows.byName);
    this.alertChannels = new AlertChannels(this, 'AlertChannels', { functions: this.functions.byName, consoleUrl: this.console.origin });
    new BillingExports(this, 'BillingExports', { functions: this.functions.byName, costExplorer: this.workflows.byName.costexplorer });
    this.observability = new Observability(this, 'Observability', {
      stage: this.api.restApi.deploymentStage,
      functions: this.functions.byName,
      stateMachines: this.workflows.byName,
      deadLetters: this.alerts.deadLetters,
      topic: this.alerts.topic,
    });

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.origin, description: 'The console' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Append route paths: <ApiUrl>/v1/me' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'AlertsTopicArn', { value: this.alerts.topic.topicArn, description: 'Subscribe operators here' });
    new CfnOutput(this, 'SmokeStateMachineArn', { value: this.workflows.smoke.stateMachineArn });
    new CfnOutput(this, 'IngestionStateMachineArn', { value: this.workflows.ingestion.stateMachineArn, description: 'Billing ingestions run here' });
    new CfnOutput(this, 'ObjectsBucketName', { value: this.storage.bucket.bucketName, description: 'Billing exports, under tenants/<tenantId>/' });
  }
}
