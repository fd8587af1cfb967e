import type { KeyPair } from './table.js';

/**
 * Key builders for every entity. Every tenant item's partition key starts with
 * `TENANT#<tenantId>#`: the closing `#` keeps `TENANT#ab` from matching `TENANT#abc` under an IAM
 * `dynamodb:LeadingKeys` condition. Items outside a tenant are the few lookups needed before the
 * tenant is known; they are listed last and read only by the functions that need them.
 */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

function assertId(kind: string, id: string): string {
  // Ids end up inside keys: a `#` or an empty id would let one key read another's items.
  if (!ID.test(id)) throw new Error(`invalid ${kind} id for a key: ${JSON.stringify(id)}`);
  return id;
}

function assertPeriod(period: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw new Error(`invalid billing period for a key: ${JSON.stringify(period)}`);
  return period;
}

export const tenantPrefix = (tenantId: string): string => `TENANT#${assertId('tenant', tenantId)}#`;

const tenantPk = (tenantId: string, collection: string): string => `${tenantPrefix(tenantId)}${collection}`;

export const keys = {
  tenantProfile: (tenantId: string): KeyPair => ({ pk: tenantPk(tenantId, 'META'), sk: 'PROFILE' }),

  user: (tenantId: string, userId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'USER'),
    sk: `USER#${assertId('user', userId)}`,
  }),
  usersOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'USER'), skPrefix: 'USER#' }),

  apiKey: (tenantId: string, keyId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'APIKEY'),
    sk: `APIKEY#${assertId('api key', keyId)}`,
  }),
  apiKeysOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'APIKEY'), skPrefix: 'APIKEY#' }),

  /** Audit entries sort by ULID, i.e. by time. */
  audit: (tenantId: string, entryId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'AUDIT'),
    sk: `AUDIT#${assertId('audit entry', entryId)}`,
  }),
  auditOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'AUDIT'), skPrefix: 'AUDIT#' }),

  /** A signed-out session's token id; the authorizer refuses tokens listed here until they expire. */
  revokedToken: (tenantId: string, jti: string): KeyPair => ({
    pk: tenantPk(tenantId, 'REVOKED'),
    sk: `JTI#${assertId('token', jti)}`,
  }),

  idempotency: (tenantId: string, principalId: string, key: string): KeyPair => ({
    pk: tenantPk(tenantId, 'IDEMPOTENCY'),
    sk: `KEY#${assertId('principal', principalId)}#${key}`,
  }),

  /** Billing sources (uploads, export buckets, Cost Explorer) and their uploads and ingestions. */
  billingSource: (tenantId: string, sourceId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'BILLSOURCE'),
    sk: `SOURCE#${assertId('billing source', sourceId)}`,
  }),
  billingSourcesOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'BILLSOURCE'), skPrefix: 'SOURCE#' }),
  upload: (tenantId: string, uploadId: string): KeyPair => ({ pk: tenantPk(tenantId, 'UPLOAD'), sk: `UPLOAD#${assertId('upload', uploadId)}` }),
  ingestion: (tenantId: string, ingestionId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'INGESTION'),
    sk: `INGESTION#${assertId('ingestion', ingestionId)}`,
  }),
  ingestionsOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'INGESTION'), skPrefix: 'INGESTION#' }),

  /** One version of one billing period of one source: its rollup chunks, `<kind>#<chunk>`. */
  costVersion: (tenantId: string, sourceId: string, period: string, version: string) => ({
    pk: tenantPk(tenantId, `COST#${assertId('billing source', sourceId)}#${assertPeriod(period)}#${assertId('version', version)}`),
  }),
  /** Which version of a period is current, per source; sorted by period so a date range is one Query. */
  costPointer: (tenantId: string, sourceId: string, period: string): KeyPair => ({
    pk: tenantPk(tenantId, 'COSTPERIOD'),
    sk: `${assertPeriod(period)}#${assertId('billing source', sourceId)}`,
  }),
  costPointersOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'COSTPERIOD') }),

  /** Detected cost anomalies; an id starts with its start date, so the sort key orders them by it. */
  anomaly: (tenantId: string, anomalyId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'ANOMALY'),
    sk: `ANOMALY#${assertId('anomaly', anomalyId)}`,
  }),
  anomaliesOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'ANOMALY'), skPrefix: 'ANOMALY#' }),
  /** A cause marked "expected": later anomalies of the same cause are stored as ignored. */
  anomalySuppression: (tenantId: string, causeId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'ANOMALYRULE'),
    sk: `EXPECTED#${assertId('anomaly cause', causeId)}`,
  }),
  anomalySuppressionsOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'ANOMALYRULE'), skPrefix: 'EXPECTED#' }),
  /** The tenant's analysis thresholds, and the outcome of its last analysis run. */
  analysisSettings: (tenantId: string): KeyPair => ({ pk: tenantPk(tenantId, 'ANALYSIS'), sk: 'SETTINGS' }),
  analysisRun: (tenantId: string): KeyPair => ({ pk: tenantPk(tenantId, 'ANALYSIS'), sk: 'RUN' }),

  /** Connected AWS accounts (by their 12-digit id) and the tenant's ExternalId for their roles. */
  connectedAccount: (tenantId: string, accountId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'ACCOUNT'),
    sk: `ACCOUNT#${assertId('account', accountId)}`,
  }),
  connectedAccountsOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'ACCOUNT'), skPrefix: 'ACCOUNT#' }),
  accountsExternalId: (tenantId: string): KeyPair => ({ pk: tenantPk(tenantId, 'ACCOUNT'), sk: 'EXTERNALID' }),
  /** Collected resources, by account then region then type; `resourceKey` is a hash of the resource id. */
  inventoryResource: (tenantId: string, accountId: string, region: string, type: string, resourceKey: string): KeyPair => ({
    pk: tenantPk(tenantId, 'INVENTORY'),
    sk: `RES#${assertId('account', accountId)}#${assertId('region', region)}#${assertId('resource type', type)}#${assertId('resource', resourceKey)}`,
  }),
  /** Every resource; narrow the prefix with `RES#<account>#` and `RES#<account>#<region>#`. */
  inventoryOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'INVENTORY'), skPrefix: 'RES#' }),
  /** gsi1: the resources of one type, by account then region (gsi1sk `<account>#<region>#<key>`). */
  inventoryByType: (tenantId: string, type: string) => ({ pk: tenantPk(tenantId, `INVTYPE#${assertId('resource type', type)}`), skPrefix: '' }),

  /** Budgets, and each budget's evaluated periods (label: 2026-03, 2026-Q1 or 2026). */
  budget: (tenantId: string, budgetId: string): KeyPair => ({ pk: tenantPk(tenantId, 'BUDGET'), sk: `BUDGET#${assertId('budget', budgetId)}` }),
  budgetsOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'BUDGET'), skPrefix: 'BUDGET#' }),
  budgetPeriod: (tenantId: string, budgetId: string, label: string): KeyPair => ({
    pk: tenantPk(tenantId, 'BUDGETPERIOD'),
    sk: `BUDGET#${assertId('budget', budgetId)}#${assertId('budget period', label)}`,
  }),
  budgetPeriodsOf: (tenantId: string, budgetId: string) => ({ pk: tenantPk(tenantId, 'BUDGETPERIOD'), skPrefix: `BUDGET#${assertId('budget', budgetId)}#` }),
  /** Alert channels (Slack, email, webhook) and one record per alert sent to a channel (the dedupe). */
  alertChannel: (tenantId: string, channelId: string): KeyPair => ({ pk: tenantPk(tenantId, 'ALERTCHANNEL'), sk: `CHANNEL#${assertId('alert channel', channelId)}` }),
  alertChannelsOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'ALERTCHANNEL'), skPrefix: 'CHANNEL#' }),
  alertDelivery: (tenantId: string, alertId: string, channelId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'ALERTSENT'),
    sk: `ALERT#${assertId('alert', alertId)}#${assertId('alert channel', channelId)}`,
  }),

  /**
   * Recommendations: one per (resource, rule), `REC#<resource key>#<rule>`, so a re-analysis
   * upserts and a resource's recommendations are one prefix; gsi1 lists one status by savings.
   */
  recommendation: (tenantId: string, resourceKey: string, ruleId: string): KeyPair => ({
    pk: tenantPk(tenantId, 'RECOMMENDATION'),
    sk: `REC#${assertId('resource', resourceKey)}#${assertId('rule', ruleId)}`,
  }),
  recommendationsOf: (tenantId: string) => ({ pk: tenantPk(tenantId, 'RECOMMENDATION'), skPrefix: 'REC#' }),
  recommendationsOfResource: (tenantId: string, resourceKey: string) => ({ pk: tenantPk(tenantId, 'RECOMMENDATION'), skPrefix: `REC#${assertId('resource', resourceKey)}#` }),
  /** gsi1: the recommendations in one status, by estimated monthly savings (gsi1sk `<savings>#<id>`). */
  recommendationsByStatus: (tenantId: string, status: string) => ({ pk: tenantPk(tenantId, `RECSTATUS#${assertId('status', status)}`), skPrefix: '' }),
  /** The tenant's recommendation thresholds, and the outcome of its last recommendation analysis. */
  recommendationSettings: (tenantId: string): KeyPair => ({ pk: tenantPk(tenantId, 'RECOMMENDATION'), sk: 'SETTINGS' }),
  recommendationRun: (tenantId: string): KeyPair => ({ pk: tenantPk(tenantId, 'RECOMMENDATION'), sk: 'RUN' }),

  /** Assistant conversations, per user (the owner is in the key, so another user's id is simply absent), newest last (ULIDs). */
  assistantConversation: (tenantId: string, ownerId: string, conversationId: string): KeyPair => ({
    pk: tenantPk(tenantId, `ASSISTANT#${assertId('principal', ownerId)}`),
    sk: `CONV#${assertId('conversation', conversationId)}`,
  }),
  assistantConversationsOf: (tenantId: string, ownerId: string) => ({ pk: tenantPk(tenantId, `ASSISTANT#${assertId('principal', ownerId)}`), skPrefix: 'CONV#' }),
  /** One question and its answer in a conversation, in order (ULIDs). */
  assistantMessage: (tenantId: string, conversationId: string, messageId: string): KeyPair => ({
    pk: tenantPk(tenantId, `ASSISTANTMSG#${assertId('conversation', conversationId)}`),
    sk: `MSG#${assertId('message', messageId)}`,
  }),
  assistantMessagesOf: (tenantId: string, conversationId: string) => ({ pk: tenantPk(tenantId, `ASSISTANTMSG#${assertId('conversation', conversationId)}`), skPrefix: 'MSG#' }),
  /** The tenant's assistant usage in one month (yyyy-mm): questions and tokens, for the quota. */
  assistantUsage: (tenantId: string, period: string): KeyPair => ({ pk: tenantPk(tenantId, 'ASSISTANTUSAGE'), sk: `MONTH#${assertPeriod(period)}` }),
  /** A cached explanation of one recommendation or anomaly by one engine (the item's version is an attribute). */
  assistantExplanation: (tenantId: string, kind: 'recommendation' | 'anomaly', itemId: string, engine: 'bedrock' | 'local'): KeyPair => ({
    pk: tenantPk(tenantId, 'ASSISTANTEXPLAIN'),
    sk: `${kind.toUpperCase()}#${assertId(kind, itemId)}#${engine.toUpperCase()}`,
  }),

  // ---- Lookups that happen before the tenant is known (not under TENANT#) ----

  /** API key hash -> tenant; read only by the authorizer. */
  apiKeyByHash: (hash: string): KeyPair => ({ pk: `APIKEY#${assertId('api key hash', hash)}`, sk: 'APIKEY' }),

  /** Registry that scheduled jobs query to fan out across tenants. */
  tenantRegistryEntry: (tenantId: string): KeyPair => ({
    pk: 'REGISTRY#TENANTS',
    sk: `TENANT#${assertId('tenant', tenantId)}`,
  }),
  tenantRegistry: () => ({ pk: 'REGISTRY#TENANTS', skPrefix: 'TENANT#' }),

  /** gsi1 of a bucket source's item: (account, bucket) -> the sources reading it; S3 events name only those two. */
  exportBucketIndex: (accountId: string, bucket: string, tenantId: string, sourceId: string) => ({
    gsi1pk: `EXPORTBUCKET#${assertId('account', accountId)}#${bucket}`,
    gsi1sk: `TENANT#${assertId('tenant', tenantId)}#SOURCE#${assertId('billing source', sourceId)}`,
  }),
  exportBucketSources: (accountId: string, bucket: string) => ({ gsi1pk: `EXPORTBUCKET#${assertId('account', accountId)}#${bucket}`, skPrefix: 'TENANT#' }),
} as const;
