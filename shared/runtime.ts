import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { S3Client } from '@aws-sdk/client-s3';
import { LocalObjectStore } from './storage/local-object-store.js';
import type { ObjectStore } from './storage/object-store.js';
import { S3ObjectStore } from './storage/s3-object-store.js';
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

let objects: ObjectStore | undefined;

/** The object store: the S3 bucket in AWS, or the local platform's folder. */
export function objectStore(): ObjectStore {
  if (objects) return objects;
  const bucket = config.objectsBucket();
  const local = config.localObjects();
  // Presigned PUTs must not carry a checksum of an empty body (aws-sdk-js-v3 #6994): compute it only when S3 requires one.
  if (bucket) objects = new S3ObjectStore(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }), bucket);
  else if (local) objects = new LocalObjectStore(local.dir, local.url, local.secret);
  else throw new Error('set OBJECTS_BUCKET (or LOCAL_OBJECTS_DIR locally)');
  return objects;
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
