import { GetSubscriptionAttributesCommand, NotFoundException, PublishCommand, SubscribeCommand, UnsubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectStore } from '../storage/object-store.js';
import { tenantObjectKey } from '../storage/object-store.js';

/**
 * Port: email alerts. In AWS one SNS topic carries every tenant's alert email; each channel is an
 * email subscription whose filter policy accepts only messages with its own `tenantId` and
 * `channelId` attributes, so a tenant's alert reaches only its own subscribers. Locally,
 * LocalEmailRecorder keeps every "sent" email as a JSON file in the object store folder.
 */
export interface EmailMessage {
  subject: string;
  text: string;
}

export interface EmailSender {
  /** Subscribes the address; SNS emails it a confirmation link (pending until confirmed). */
  subscribe(tenantId: string, channelId: string, address: string): Promise<{ subscriptionArn: string | null; pending: boolean }>;
  unsubscribe(subscriptionArn: string | null): Promise<void>;
  send(tenantId: string, channelId: string, message: EmailMessage): Promise<{ detail: string }>;
  /** Whether the subscription was confirmed (always true locally). */
  confirmed(subscriptionArn: string | null): Promise<boolean>;
}

/** SNS subjects: ASCII, at most 100 characters, no line breaks. */
export const snsSubject = (subject: string) => subject.replace(/[^\x20-\x7E]/g, '-').slice(0, 100);

export class SnsEmailSender implements EmailSender {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async subscribe(tenantId: string, channelId: string, address: string) {
    const out = await this.sns.send(
      new SubscribeCommand({
        TopicArn: this.topicArn,
        Protocol: 'email',
        Endpoint: address,
        ReturnSubscriptionArn: true,
        Attributes: { FilterPolicy: JSON.stringify({ tenantId: [tenantId], channelId: [channelId] }), FilterPolicyScope: 'MessageAttributes' },
      }),
    );
    return { subscriptionArn: out.SubscriptionArn ?? null, pending: true };
  }

  async unsubscribe(subscriptionArn: string | null): Promise<void> {
    // A subscription still pending confirmation has no ARN to remove; SNS drops it after 3 days.
    if (!subscriptionArn || !subscriptionArn.startsWith('arn:')) return;
    await this.sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
  }

  async send(tenantId: string, channelId: string, message: EmailMessage) {
    const out = await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: snsSubject(message.subject),
        Message: message.text,
        MessageAttributes: {
          tenantId: { DataType: 'String', StringValue: tenantId },
          channelId: { DataType: 'String', StringValue: channelId },
        },
      }),
    );
    return { detail: `published ${out.MessageId ?? ''}`.trim() };
  }

  async confirmed(subscriptionArn: string | null): Promise<boolean> {
    if (!subscriptionArn?.startsWith('arn:')) return false;
    try {
      const out = await this.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
      return out.Attributes?.PendingConfirmation === 'false';
    } catch (error) {
      if (error instanceof NotFoundException) return false;
      throw error;
    }
  }
}

/**
 * Local stand-in for SNS email: "subscribes" an address by keeping it in a folder, and records each
 * email as JSON under tenants/<id>/alerts/email/ in the local object store instead of sending it.
 */
export class LocalEmailRecorder implements EmailSender {
  constructor(
    private readonly objects: ObjectStore,
    private readonly subscriptionsDir: string,
  ) {}

  private path(tenantId: string, channelId: string): string {
    tenantObjectKey(tenantId, channelId); // checks both ids are safe path segments
    return join(this.subscriptionsDir, `${tenantId}__${channelId}.json`);
  }

  async subscribe(tenantId: string, channelId: string, address: string) {
    await mkdir(this.subscriptionsDir, { recursive: true, mode: 0o700 });
    await writeFile(this.path(tenantId, channelId), JSON.stringify({ address }), { mode: 0o600 });
    return { subscriptionArn: `local:${tenantId}:${channelId}`, pending: false };
  }

  async unsubscribe(subscriptionArn: string | null): Promise<void> {
    const [, tenantId, channelId] = subscriptionArn?.split(':') ?? [];
    if (tenantId && channelId) await rm(this.path(tenantId, channelId), { force: true });
  }

  async send(tenantId: string, channelId: string, message: EmailMessage) {
    const sentAt = new Date().toISOString();
    const key = tenantObjectKey(tenantId, 'alerts', 'email', `${sentAt.replace(/[:.]/g, '-')}-${channelId}.json`);
    const subscription = await readFile(this.path(tenantId, channelId), 'utf8').then((t) => JSON.parse(t) as { address: string }, () => null);
    if (!subscription) throw new Error('no subscription for this channel');
    await this.objects.write(key, JSON.stringify({ to: subscription.address, channelId, subject: snsSubject(message.subject), text: message.text, sentAt }, null, 2), 'application/json');
    return { detail: `recorded locally (${key})` };
  }

  async confirmed(): Promise<boolean> {
    return true;
  }
}
