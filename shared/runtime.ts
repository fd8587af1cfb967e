import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { dynamoDocumentClient, secretsManager, sts } from './aws/clients.js';
import { AssumedRoleTableClients, SharedTableClients, type TableClients } from './aws/tenant-clients.js';
import { config } from './config.js';

/**
 * What every function needs at cold start, built once per container: table clients (tenant-scoped
 * where a tenant role is configured), the table name, and the cursor-signing secret.
 */
export interface FunctionRuntime {
  tables: TableClients;
  tableName: string;
  cursorSecret: string;
  /** Allowed by CORS on every answer; null where the console and the API share an origin. */
  consoleOrigin: string | null;
}

let runtime: Promise<FunctionRuntime> | undefined;

async function cursorSecret(): Promise<string> {
  const direct = config.cursorSecret();
  if (direct) return direct;
  const arn = config.cursorSecretArn();
  if (!arn) throw new Error('set CURSOR_SECRET_ARN (or CURSOR_SECRET locally)');
  const out = await secretsManager().send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error('the cursor secret is empty');
  return out.SecretString;
}

export function functionRuntime(): Promise<FunctionRuntime> {
  runtime ??= (async () => {
    const roleArn = config.tenantRoleArn();
    const base = dynamoDocumentClient();
    return {
      tables: roleArn ? new AssumedRoleTableClients(base, sts(), roleArn) : new SharedTableClients(base),
      tableName: config.tableName(),
      cursorSecret: await cursorSecret(),
      consoleOrigin: config.consoleOrigin() ?? null,
    };
  })();
  return runtime;
}
