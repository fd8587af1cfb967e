import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Severity } from '../analysis/constants.js';
import { queryFingerprint } from '../db/cursor.js';
import { keys } from '../db/keys.js';
import { notFoundOnCondition, setExpression } from '../db/directory.js';
import { allPages, queryPage, type Page } from '../db/pages.js';
import { NotFound } from '../errors.js';
import type { AlertChannelKind, AlertEvent } from './constants.js';

/**
 * Alert channels and deliveries in the single table, per tenant (tenant-scoped client in AWS).
 * A channel holds its masked target and settings; the target itself is in the secret store (Slack
 * and webhooks) or is an SNS subscription (email). A delivery record is claimed with a conditional
 * write before anything is sent, so a retried run never sends the same alert to a channel twice.
 */
export interface ChannelRecord {
  id: string;
  kind: AlertChannelKind;
  name: string;
  events: AlertEvent[];
  minSeverity: Severity;
  digest: boolean;
  target: string;
  status: 'active' | 'pending_confirmation';
  /** Email: the SNS subscription (null locally or until SNS returns one). */
  subscriptionArn: string | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  lastDelivery: { at: string; ok: boolean; detail: string } | null;
}

export type ChannelPatch = Partial<Pick<ChannelRecord, 'name' | 'events' | 'minSeverity' | 'digest' | 'status'>>;

/** How long a claim without an outcome (the sender crashed mid-send) blocks a retry. */
export const CLAIM_LEASE_MS = 10 * 60_000;

const fromItem = (item: Record<string, unknown>): ChannelRecord => ({
  id: item.id as string,
  kind: item.kind as AlertChannelKind,
  name: item.name as string,
  events: item.events as AlertEvent[],
  minSeverity: item.minSeverity as Severity,
  digest: item.digest === true,
  target: item.target as string,
  status: item.status as ChannelRecord['status'],
  subscriptionArn: (item.subscriptionArn as string | null) ?? null,
  createdAt: item.createdAt as string,
  createdBy: item.createdBy as string,
  updatedAt: item.updatedAt as string,
  lastDelivery: (item.lastDelivery as ChannelRecord['lastDelivery']) ?? null,
});

export const publicChannel = ({ subscriptionArn: _s, ...channel }: ChannelRecord) => channel;

export class AlertStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async createChannel(tenantId: string, channel: ChannelRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.alertChannel(tenantId, channel.id), entity: 'AlertChannel', ...channel }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async getChannel(tenantId: string, id: string): Promise<ChannelRecord> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.alertChannel(tenantId, id) }));
    if (!out.Item) throw new NotFound('Alert channel not found.');
    return fromItem(out.Item);
  }

  async listChannels(tenantId: string, limit: number, cursor?: string): Promise<Page<ChannelRecord>> {
    const { pk, skPrefix } = keys.alertChannelsOf(tenantId);
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint: queryFingerprint('listAlertChannels', {}) });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  allChannels(tenantId: string): Promise<ChannelRecord[]> {
    return allPages((cursor) => this.listChannels(tenantId, 500, cursor));
  }

  async updateChannel(tenantId: string, id: string, patch: ChannelPatch, now: string): Promise<ChannelRecord> {
    const { expression, names, values } = setExpression({ ...patch, updatedAt: now });
    const out = await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alertChannel(tenantId, id),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch(notFoundOnCondition('Alert channel not found.'));
    return fromItem(out.Attributes!);
  }

  /** Records the latest delivery outcome on the channel (shown in the console); a deleted channel is left alone. */
  async recordDelivery(tenantId: string, id: string, delivery: NonNullable<ChannelRecord['lastDelivery']>): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alertChannel(tenantId, id),
          UpdateExpression: 'SET lastDelivery = :d',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':d': delivery },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async deleteChannel(tenantId: string, id: string): Promise<ChannelRecord> {
    try {
      const out = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.alertChannel(tenantId, id), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }));
      return fromItem(out.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFound('Alert channel not found.');
      throw error;
    }
  }

  // ---- Deliveries: one per alert per channel ----

  /**
   * Claims the right to send `alertId` to the channel: true once. A claim whose send failed, or
   * that was left without an outcome for longer than the lease, can be claimed again (a retry).
   */
  async claim(tenantId: string, alertId: string, channelId: string, now: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.alertDelivery(tenantId, alertId, channelId), entity: 'AlertDelivery', alertId, channelId, status: 'sending', claimedAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :failed OR (#status = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':failed': 'failed', ':sending': 'sending', ':stale': new Date(now.getTime() - CLAIM_LEASE_MS).toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async settle(tenantId: string, alertId: string, channelId: string, outcome: { ok: boolean; detail: string }, now: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.alertDelivery(tenantId, alertId, channelId),
        UpdateExpression: 'SET #status = :status, detail = :detail, settledAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': outcome.ok ? 'sent' : 'failed', ':detail': outcome.detail, ':now': now.toISOString() },
      }),
    );
  }

  async delivery(tenantId: string, alertId: string, channelId: string): Promise<{ status: string; detail?: string } | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.alertDelivery(tenantId, alertId, channelId) }));
    return out.Item ? { status: out.Item.status as string, detail: out.Item.detail as string | undefined } : null;
  }
}
