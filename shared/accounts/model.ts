import { ROLE_PATH } from './permissions.js';

/** A connected AWS account of one tenant; its id is the 12-digit AWS account id. */
export interface ConnectedAccount {
  id: string;
  name: string;
  roleArn: string;
  /** The tenant's ExternalId when it was connected (the role's trust policy requires it). */
  externalId: string;
  status: AccountStatus;
  /** The last connection test, if any. */
  lastTest: AccessTestResult | null;
  lastSync: SyncRun | null;
  connectedAt: string;
  connectedBy: string;
}

/** pending: never reached; connected: the last test or sync reached it; error: the last attempt failed. */
export type AccountStatus = 'pending' | 'connected' | 'error';

export type PermissionStatus = 'granted' | 'missing' | 'unchecked';

export interface PermissionCheck {
  action: string;
  purpose: string;
  status: PermissionStatus;
  /** Why it is missing: implicit deny, an explicit deny, an SCP, a permissions boundary. */
  reason: string | null;
}

export interface AccessTestResult {
  testedAt: string;
  /** AssumeRole with the ExternalId succeeded and the role belongs to the account. */
  assumed: boolean;
  ok: boolean;
  /** Set when the role could not be assumed (or belongs to another account). */
  error: { code: string; message: string } | null;
  permissions: PermissionCheck[];
  missing: string[];
}

export type SyncStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/** The outcome of one collection of one account. */
export interface SyncRun {
  runId: string;
  status: SyncStatus;
  trigger: 'manual' | 'schedule';
  startedAt: string;
  finishedAt: string | null;
  regions: string[];
  /** Resources stored by type. */
  resources: Record<string, number>;
  /** Calls refused or failed for one service in one region; the rest was still collected. */
  warnings: Array<{ region: string; service: string; code: string; message: string }>;
  error: { code: string; message: string } | null;
  /** Raw snapshots in the object store, deleted with the account. */
  snapshotKeys: string[];
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/[\w+=,.@-]+)*\/([\w+=,.@-]{1,64})$/;

/** The 12-digit account id of a role ARN on the CloudOptima path, or the reason it is not one. */
export function parseRoleArn(arn: string): { accountId: string } | { error: string } {
  const match = ROLE_ARN.exec(arn);
  if (!match) return { error: 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/cloudoptima/CloudOptimaReadOnly' };
  const accountId = match[1]!;
  const path = arn.slice(arn.indexOf(':role') + ':role'.length, arn.lastIndexOf('/') + 1);
  if (path !== ROLE_PATH) return { error: `must be the role the onboarding template creates, on the path ${ROLE_PATH} (arn:aws:iam::${accountId}:role${ROLE_PATH}<name>)` };
  if (/^0{12}$/.test(accountId)) return { error: 'the account id 000000000000 is not an AWS account' };
  return { accountId };
}
