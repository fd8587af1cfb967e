/**
 * Runtime configuration, read from the environment in one place. Handlers and the local platform
 * call these; domain code receives values, never `process.env`.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`missing required environment variable ${name}`);
  return value;
}

export const config = {
  tableName: () => required('TABLE_NAME'),
  appVersion: () => process.env.APP_VERSION ?? '0.1.0',
  userPoolId: () => required('USER_POOL_ID'),
  userPoolClientId: () => required('USER_POOL_CLIENT_ID'),
  /** Set only where the issuer is not Amazon Cognito's own (cognito-local serves JWKS over http). */
  tokenIssuer: () => process.env.TOKEN_ISSUER,
  tokenJwksUri: () => process.env.TOKEN_JWKS_URI,
  /** HMAC key that signs pagination cursors (given directly locally; from Secrets Manager in AWS). */
  cursorSecret: () => process.env.CURSOR_SECRET,
  cursorSecretArn: () => process.env.CURSOR_SECRET_ARN,
  /** The tenant data role functions assume, tagged with the tenant; unset locally (no IAM there). */
  tenantRoleArn: () => process.env.TENANT_ROLE_ARN,
  /** The console's origin (its CloudFront URL), allowed by CORS; unset locally, where both share one origin. */
  consoleOrigin: () => process.env.CONSOLE_ORIGIN,
  /** Raw billing exports and other files: an S3 bucket in AWS; locally a folder (see runtime.ts). */
  objectsBucket: () => process.env.OBJECTS_BUCKET,
  localObjects: () =>
    process.env.LOCAL_OBJECTS_DIR
      ? { dir: process.env.LOCAL_OBJECTS_DIR, url: required('LOCAL_OBJECTS_URL'), secret: required('LOCAL_OBJECTS_SECRET') }
      : undefined,
  /**
   * Ingestion work units (functions/billing/ingest/plan.ts): a CSV file larger than this many
   * bytes is split into byte ranges of about this size, a Parquet file of more rows into runs of
   * row groups of about INGEST_UNIT_ROWS; unset: the defaults sized for one Lambda invocation.
   */
  ingestUnitBytes: () => (process.env.INGEST_UNIT_BYTES ? Number(process.env.INGEST_UNIT_BYTES) : undefined),
  ingestUnitRows: () => (process.env.INGEST_UNIT_ROWS ? Number(process.env.INGEST_UNIT_ROWS) : undefined),
  /** A workflow's state machine ARN, e.g. INGESTION_STATE_MACHINE_ARN. */
  stateMachineArn: (workflow: string) => process.env[`${workflow.toUpperCase()}_STATE_MACHINE_ARN`],
  /** The AWS account CloudOptima runs in: the principal connected accounts' roles trust. */
  platformAccountId: () => process.env.PLATFORM_ACCOUNT_ID,
  /** Where the operator published the onboarding template (S3), for the quick-create link; unset: none. */
  onboardingTemplateUrl: () => process.env.ONBOARDING_TEMPLATE_URL,
  /** The same for the organization template (shared/accounts/organization-template.json). */
  organizationTemplateUrl: () => process.env.ORGANIZATION_TEMPLATE_URL,
  /** The region CloudOptima runs in (Lambda sets AWS_REGION); the onboarding templates forward events to it. */
  region: () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  /** The SNS topic tenants' email alerts go through (lib/alert-channels.ts); unset locally (a local recorder stands in). */
  alertsTopicArn: () => process.env.ALERTS_TOPIC_ARN,
  /** The console's URL, which alerts link back to (CONSOLE_ORIGIN in AWS; the local gateway's URL locally). */
  consoleUrl: () => process.env.CONSOLE_URL ?? process.env.CONSOLE_ORIGIN,
  /** The assistant's Bedrock model (ASSISTANT_MODEL_ID, e.g. a Claude model or inference profile id); unset: the local engine answers. */
  assistantModelId: () => process.env.ASSISTANT_MODEL_ID,
  /** Where Bedrock is called (ASSISTANT_BEDROCK_REGION); default: the region CloudOptima runs in. */
  assistantBedrockRegion: () => process.env.ASSISTANT_BEDROCK_REGION ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  /** True when the local platform runs the handlers (invited users' temporary passwords are logged). */
  isLocal: () => process.env.CLOUDOPTIMA_LOCAL === 'true',
} as const;
