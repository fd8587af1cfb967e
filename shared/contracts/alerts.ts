import { z } from 'zod';
import { SEVERITIES } from '../analysis/constants.js';
import { ALERT_CHANNEL_KINDS, ALERT_EVENTS } from '../alerts/constants.js';
import { defineRoute } from '../http/route.js';
import { email, emptyResponse, idParams, isoDateTime, listOf, pageQuery } from './common.js';

/**
 * Alert channels (shared/alerts/): where budget thresholds, new anomalies and the optional daily
 * digest are sent. Slack incoming webhooks and generic webhook URLs are kept as secrets (Secrets
 * Manager in AWS) and never returned: the API shows a masked hint. A webhook's signing secret is
 * shown once, when the channel is created. Email goes through an SNS subscription, which the
 * recipient confirms from the email SNS sends.
 */

const url = (what: string) =>
  z
    .string()
    .trim()
    .max(2048)
    .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
    .describe(what);

const channelSettings = {
  name: z.string().trim().min(1).max(100),
  events: z
    .array(z.enum(ALERT_EVENTS))
    .min(1, 'choose at least one kind of alert')
    .refine((e) => new Set(e).size === e.length, 'each kind of alert may appear once')
    .describe('budget: a budget threshold crossed (once per threshold per period); anomaly: a new anomaly (once each)'),
  minSeverity: z.enum(SEVERITIES).describe('Anomalies below this severity are not sent'),
  digest: z.boolean().describe('Also send a daily digest: every budget and the open anomalies, once a day'),
};

const settingsDefaults = {
  events: channelSettings.events.default(['budget', 'anomaly']),
  minSeverity: channelSettings.minSeverity.default('medium'),
  digest: channelSettings.digest.default(false),
};

/** The field each kind needs (and the only target field it may carry). */
const TARGET_FIELD = { slack: 'webhookUrl', email: 'address', webhook: 'url' } as const;

/**
 * One flat object (API Gateway validates bodies with a draft-4 object model), checked per `kind`
 * and turned into the tagged shape the domain code takes.
 */
export const createAlertChannelRequest = z
  .strictObject({
    kind: z.enum(ALERT_CHANNEL_KINDS),
    name: channelSettings.name,
    webhookUrl: url('slack: a Slack incoming webhook URL (https://hooks.slack.com/services/...); kept as a secret, never returned').optional(),
    address: email.optional().describe('email: the address SNS sends to (it confirms the subscription first)'),
    url: url('webhook: receives a JSON POST signed with HMAC-SHA256 (X-CloudOptima-Signature)').optional(),
    ...settingsDefaults,
  })
  .superRefine((body, ctx) => {
    const wanted = TARGET_FIELD[body.kind];
    for (const field of Object.values(TARGET_FIELD)) {
      const given = body[field] !== undefined;
      if (field === wanted && !given) ctx.addIssue({ code: 'custom', path: [field], message: `a ${body.kind} channel needs ${field}` });
      if (field !== wanted && given) ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies only to a ${Object.entries(TARGET_FIELD).find(([, f]) => f === field)![0]} channel` });
    }
  })
  .transform((body) => {
    const settings = { name: body.name, events: body.events, minSeverity: body.minSeverity, digest: body.digest };
    if (body.kind === 'slack') return { kind: 'slack' as const, webhookUrl: body.webhookUrl!, ...settings };
    if (body.kind === 'email') return { kind: 'email' as const, address: body.address!, ...settings };
    return { kind: 'webhook' as const, url: body.url!, ...settings };
  });

export const updateAlertChannelRequest = z
  .strictObject({
    name: channelSettings.name.optional(),
    events: channelSettings.events.optional(),
    minSeverity: channelSettings.minSeverity.optional(),
    digest: channelSettings.digest.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

const delivery = z.object({
  at: isoDateTime,
  ok: z.boolean(),
  detail: z.string().describe('HTTP status or the error, e.g. "200" or "timed out after 5 s"'),
});

export const alertChannel = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_CHANNEL_KINDS),
    ...channelSettings,
    target: z.string().describe('Masked: hooks.slack.com/…/•••• 4f2a, j•••@example.com, https://example.com/…'),
    status: z.enum(['active', 'pending_confirmation']).describe('pending_confirmation: an email address that has not confirmed its SNS subscription yet'),
    createdAt: isoDateTime,
    createdBy: z.string(),
    updatedAt: isoDateTime,
    lastDelivery: delivery.nullable(),
  })
  .meta({ id: 'AlertChannel' });

export const createdAlertChannel = z.object({
  channel: alertChannel,
  signingSecret: z.string().nullable().describe('Webhooks only, shown this once: verify X-CloudOptima-Signature with it'),
});

export const alertTestResult = z
  .object({ delivered: z.boolean(), detail: z.string(), at: isoDateTime })
  .meta({ id: 'AlertTestResult' });

export const alertRoutes = {
  list: defineRoute({
    operationId: 'listAlertChannels',
    method: 'GET',
    path: '/v1/alert-channels',
    domain: 'alerts',
    tag: 'Alerts',
    summary: 'Alert channels (targets masked)',
    access: { permission: 'budgets:read' },
    query: pageQuery,
    response: listOf(alertChannel),
    status: 200,
  }),
  create: defineRoute({
    operationId: 'createAlertChannel',
    method: 'POST',
    path: '/v1/alert-channels',
    domain: 'alerts',
    tag: 'Alerts',
    summary: 'Add a Slack, email or webhook channel; a webhook answer carries its signing secret, once',
    access: { permission: 'alerts:write' },
    body: createAlertChannelRequest,
    example: { kind: 'webhook', name: 'Ops webhook', url: 'https://example.com/cloudoptima-alerts' },
    response: createdAlertChannel,
    status: 201,
  }),
  get: defineRoute({
    operationId: 'getAlertChannel',
    method: 'GET',
    path: '/v1/alert-channels/{id}',
    domain: 'alerts',
    tag: 'Alerts',
    summary: 'One alert channel (target masked)',
    access: { permission: 'budgets:read' },
    params: idParams,
    response: alertChannel,
    status: 200,
  }),
  update: defineRoute({
    operationId: 'updateAlertChannel',
    method: 'PATCH',
    path: '/v1/alert-channels/{id}',
    domain: 'alerts',
    tag: 'Alerts',
    summary: "Change a channel's name, alerts, minimum severity or digest (the target: delete and add again)",
    access: { permission: 'alerts:write' },
    params: idParams,
    body: updateAlertChannelRequest,
    example: { digest: true },
    response: alertChannel,
    status: 200,
  }),
  delete: defineRoute({
    operationId: 'deleteAlertChannel',
    method: 'DELETE',
    path: '/v1/alert-channels/{id}',
    domain: 'alerts',
    tag: 'Alerts',
    summary: 'Delete a channel, its secret and its email subscription',
    access: { permission: 'alerts:write' },
    params: idParams,
    response: emptyResponse,
    status: 204,
  }),
  test: defineRoute({
    operationId: 'testAlertChannel',
    method: 'POST',
    path: '/v1/alert-channels/{id}/test',
    domain: 'alerts',
    tag: 'Alerts',
    summary: 'Send a test message to the channel now',
    access: { permission: 'alerts:write' },
    params: idParams,
    response: alertTestResult,
    status: 200,
  }),
};
