import { parseRoleArn } from '#shared/accounts/model.js';
import { ENTITY_ID_PATTERN } from '#shared/ids.js';
import type { AccountTarget } from '#shared/inventory/provider.js';
import type { UploadTarget } from '#shared/storage/object-store.js';

/**
 * Input checks for the collectors' fetch tasks, without zod: those bundles carry the EC2 client
 * (850 KB minified) and must stay under 1 MiB. A bad input is a bug in the workflow, never retried.
 */
export class InvalidTaskInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTaskInput';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const record = (value: unknown, what: string): Record<string, unknown> => {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new InvalidTaskInput(`${what} must be an object`);
  return value as Record<string, unknown>;
};

const string = (value: unknown, what: string, pattern?: RegExp): string => {
  if (typeof value !== 'string' || value.length > 2048 || (pattern && !pattern.test(value))) throw new InvalidTaskInput(`${what} is not valid`);
  return value;
};

export function targetOf(value: unknown): AccountTarget {
  const t = record(value, 'target');
  const roleArn = string(t.roleArn, 'target.roleArn');
  const parsed = parseRoleArn(roleArn);
  const accountId = string(t.accountId, 'target.accountId', /^\d{12}$/);
  if ('error' in parsed || parsed.accountId !== accountId) throw new InvalidTaskInput('target.roleArn is not a role of target.accountId');
  return { accountId, roleArn, externalId: string(t.externalId, 'target.externalId', /^[\w+=,.@:/-]{2,1224}$/), tenantId: string(t.tenantId, 'target.tenantId', ENTITY_ID_PATTERN) };
}

export const regionOf = (value: unknown): string => string(value, 'region', REGION);

export function uploadOf(value: unknown): UploadTarget {
  const u = record(value, 'upload');
  const url = string(u.url, 'upload.url', /^https?:\/\//);
  const headers = record(u.headers, 'upload.headers');
  if (Object.values(headers).some((h) => typeof h !== 'string')) throw new InvalidTaskInput('upload.headers must be strings');
  return { url, method: 'PUT', headers: headers as Record<string, string>, expiresAt: string(u.expiresAt, 'upload.expiresAt') };
}

/**
 * Writes a raw snapshot through the presigned PUT the collect task minted: the fetchers hold no
 * S3 client (bundle size) and no write access to the bucket, only this one URL for this one key.
 */
export async function putSnapshot(upload: UploadTarget, body: unknown): Promise<number> {
  const text = JSON.stringify(body);
  const res = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: text });
  if (!res.ok) throw new Error(`snapshot upload failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return Buffer.byteLength(text);
}
