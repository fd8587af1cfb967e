import type { z } from 'zod';
import type { accessTest, connectedAccount, syncRun } from '#shared/contracts/accounts.js';
import type { inventoryResource } from '#shared/contracts/inventory.js';
import type { ResourceType } from '#shared/inventory/model.js';
import { Badge } from '../ui/index.js';

export type Account = z.output<typeof connectedAccount>;
export type SyncRun = z.output<typeof syncRun>;
export type AccessTest = z.output<typeof accessTest>;
export type Resource = z.output<typeof inventoryResource>;

export const RESOURCE_LABELS: Record<ResourceType, string> = {
  'ec2-instance': 'EC2 instance',
  'ebs-volume': 'EBS volume',
  'ebs-snapshot': 'EBS snapshot',
  'elastic-ip': 'Elastic IP',
  'load-balancer': 'Load balancer',
  'nat-gateway': 'NAT gateway',
  'rds-instance': 'RDS instance',
  'lambda-function': 'Lambda function',
  's3-bucket': 'S3 bucket',
  'log-group': 'Log group',
};

const STATUS_TONES = { connected: 'good', pending: 'neutral', error: 'bad' } as const;
const STATUS_LABELS = { connected: 'Connected', pending: 'Not tested yet', error: 'Cannot connect' } as const;

export function AccountStatusBadge({ status }: { status: Account['status'] }) {
  return <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>;
}

const SYNC_TONES = { running: 'info', succeeded: 'good', partial: 'warn', failed: 'bad' } as const;
const SYNC_LABELS = { running: 'Syncing…', succeeded: 'Synced', partial: 'Partly synced', failed: 'Sync failed' } as const;

export function SyncBadge({ run }: { run: SyncRun | null }) {
  if (!run) return <Badge>Never synced</Badge>;
  return <Badge tone={SYNC_TONES[run.status]}>{SYNC_LABELS[run.status]}</Badge>;
}

export const resourceTotal = (run: SyncRun | null): number => (run ? Object.values(run.resources).reduce((a, b) => a + b, 0) : 0);

/** The utilization figure that matters most for a type, in words (e.g. "CPU 2.1 % avg, 4.5 % max"). */
export function utilizationOf(r: Resource): string | null {
  const m = r.metrics;
  const num = (n: number | null | undefined, digits = 1) => (n === null || n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits }));
  const perDay = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${Math.round(n).toLocaleString('en-US')}/day`);
  switch (r.type) {
    case 'ec2-instance':
      return m.cpu?.days ? `CPU ${num(m.cpu.average)} % avg, ${num(m.cpuMax?.maximum)} % max` : 'No CPU data (not running)';
    case 'rds-instance':
      return m.cpu?.days ? `CPU ${num(m.cpu.average)} % avg, ${num(m.connections?.average)} connections` : null;
    case 'lambda-function':
      return m.invocations?.days ? `${perDay(m.invocations.average)} invocations` : null;
    case 'load-balancer':
      return m.requests?.days ? `${perDay(m.requests.average)} requests` : m.flows?.days ? `${perDay(m.flows.average)} flows` : null;
    case 'nat-gateway':
      return m.bytesOut?.days ? `${num((m.bytesOut.average ?? 0) / 1e9)} GB/day out, ${num(m.connections?.maximum, 0)} max connections` : null;
    case 'ebs-volume':
      return m.readOps?.days ? `${perDay((m.readOps.average ?? 0) + (m.writeOps?.average ?? 0))} I/O operations` : r.state === 'available' ? 'Not attached' : null;
    case 's3-bucket':
      return m.standardBytes?.days ? `${num((m.standardBytes.average ?? 0) / 1024 ** 3, 0)} GiB in Standard` : null;
    case 'log-group': {
      const stored = r.config.storedBytes;
      return typeof stored === 'number' ? `${num(stored / 1024 ** 3, 0)} GiB stored, ${r.config.retentionInDays === null ? 'kept forever' : `kept ${String(r.config.retentionInDays)} days`}` : null;
    }
    default:
      return null;
  }
}
