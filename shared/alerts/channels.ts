import { ulid } from 'ulid';
import type { Severity } from '../analysis/constants.js';
import { Invalid } from '../errors.js';
import type { AlertChannelKind, AlertEvent } from './constants.js';
import type { EmailSender } from './email.js';
import { newSigningSecret, postJson, refusedTarget, signatureOf, SIGNATURE_HEADER, type PostResult } from './http.js';
import { emailOf, slackMessageOf, webhookBodyOf, type Alert } from './messages.js';
import { channelSecretName, type SecretStore } from './secrets.js';
import { publicChannel, type AlertStore, type ChannelRecord } from './store.js';

/**
 * Alert channels: create (the target goes to the secret store or becomes an SNS subscription),
 * delete (and its secret and subscription), and sending one alert to one channel. Used by the
 * alerts API and by the analysis workflow's alert step.
 */
export interface ChannelDeps {
  store: AlertStore;
  secrets: SecretStore;
  email: EmailSender;
  consoleUrl: string;
  /** Local platform: receivers on this machine over http are allowed. */
  local: boolean;
  now?: () => Date;
}

export type CreateChannelInput =
  | { kind: 'slack'; name: string; webhookUrl: string; events: AlertEvent[]; minSeverity: Severity; digest: boolean }
  | { kind: 'email'; name: string; address: string; events: AlertEvent[]; minSeverity: Severity; digest: boolean }
  | { kind: 'webhook'; name: string; url: string; events: AlertEvent[]; minSeverity: Severity; digest: boolean };

interface StoredSecret {
  url: string;
  signingSecret?: string;
}

/** What the API shows instead of a target. */
export function maskTarget(kind: AlertChannelKind, target: string): string {
  if (kind === 'email') {
    const [user = '', domain = ''] = target.split('@');
    return `${user.slice(0, 1)}•••@${domain}`;
  }
  const url = new URL(target);
  const tail = url.pathname.replace(/\/+$/, '').slice(-4);
  return `${url.protocol}//${url.host}/…${tail ? `•••${tail}` : ''}`;
}

export async function createChannel(deps: ChannelDeps, tenantId: string, input: CreateChannelInput, actorId: string): Promise<{ channel: ReturnType<typeof publicChannel>; signingSecret: string | null }> {
  const now = (deps.now ?? (() => new Date()))().toISOString();
  const id = ulid();
  const target = input.kind === 'slack' ? input.webhookUrl : input.kind === 'webhook' ? input.url : input.address;
  if (input.kind !== 'email') {
    const refused = await refusedTarget(target, deps.local);
    if (refused) throw new Invalid('The channel target is not allowed.', [{ field: input.kind === 'slack' ? 'body.webhookUrl' : 'body.url', message: refused, code: 'invalid_target' }]);
  }
  const signingSecret = input.kind === 'webhook' ? newSigningSecret() : null;
  let subscriptionArn: string | null = null;
  let pending = false;
  if (input.kind === 'email') ({ subscriptionArn, pending } = await deps.email.subscribe(tenantId, id, input.address));
  else await deps.secrets.put(channelSecretName(tenantId, id), JSON.stringify({ url: target, ...(signingSecret ? { signingSecret } : {}) } satisfies StoredSecret));
  const record: ChannelRecord = {
    id,
    kind: input.kind,
    name: input.name,
    events: input.events,
    minSeverity: input.minSeverity,
    digest: input.digest,
    target: maskTarget(input.kind, target),
    status: pending ? 'pending_confirmation' : 'active',
    subscriptionArn,
    createdAt: now,
    createdBy: actorId,
    updatedAt: now,
    lastDelivery: null,
  };
  try {
    await deps.store.createChannel(tenantId, record);
  } catch (error) {
    // No orphaned secret or subscription when the record cannot be written.
    if (input.kind === 'email') await deps.email.unsubscribe(subscriptionArn).catch(() => undefined);
    else await deps.secrets.delete(channelSecretName(tenantId, id)).catch(() => undefined);
    throw error;
  }
  return { channel: publicChannel(record), signingSecret };
}

export async function deleteChannel(deps: ChannelDeps, tenantId: string, id: string): Promise<void> {
  const removed = await deps.store.deleteChannel(tenantId, id);
  if (removed.kind === 'email') await deps.email.unsubscribe(removed.subscriptionArn);
  else await deps.secrets.delete(channelSecretName(tenantId, id));
}

/** Email channels turn active once their SNS subscription is confirmed. */
export async function refreshStatus(deps: ChannelDeps, tenantId: string, channel: ChannelRecord): Promise<ChannelRecord> {
  if (channel.status !== 'pending_confirmation' || !(await deps.email.confirmed(channel.subscriptionArn))) return channel;
  return deps.store.updateChannel(tenantId, channel.id, { status: 'active' }, (deps.now ?? (() => new Date()))().toISOString());
}

/** Sends one alert to one channel now (no dedupe: see notify.ts for that) and records the outcome on the channel. */
export async function sendTo(deps: ChannelDeps, tenantId: string, channel: ChannelRecord, alert: Alert, deliveryId: string): Promise<PostResult> {
  const now = (deps.now ?? (() => new Date()))();
  let result: PostResult;
  if (channel.kind === 'email') {
    try {
      const { detail } = await deps.email.send(tenantId, channel.id, emailOf(alert, deps.consoleUrl));
      result = { ok: true, status: null, detail };
    } catch (error) {
      result = { ok: false, status: null, detail: `email not sent: ${(error as Error).message}`.slice(0, 200) };
    }
  } else {
    const secret = await deps.secrets.get(channelSecretName(tenantId, channel.id));
    if (!secret) result = { ok: false, status: null, detail: 'the channel secret is missing' };
    else {
      const { url, signingSecret } = JSON.parse(secret) as StoredSecret;
      if (channel.kind === 'slack') result = await postJson(url, JSON.stringify(slackMessageOf(alert, deps.consoleUrl)));
      else {
        const body = JSON.stringify(webhookBodyOf(alert, deps.consoleUrl, { id: deliveryId, tenantId, sentAt: now.toISOString() }));
        result = await postJson(url, body, { [SIGNATURE_HEADER]: signatureOf(signingSecret!, body, Math.floor(now.getTime() / 1000)) });
      }
    }
  }
  await deps.store.recordDelivery(tenantId, channel.id, { at: now.toISOString(), ok: result.ok, detail: result.detail });
  return result;
}
