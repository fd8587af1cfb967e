import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryFingerprint } from '../db/cursor.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page } from '../db/pages.js';
import { NotFound } from '../errors.js';
import { DEFAULT_THRESHOLDS, type Severity, type Thresholds } from './anomalies.js';
import type { AnalysisSettings, Anomaly, AnomalyFeedback, AnomalyStatus, DetectedAnomaly } from './model.js';

/**
 * Anomalies in the single table, per tenant (the client is tenant-scoped in AWS). Detection
 * upserts by the stable id: it rewrites what it computes and never touches the status, feedback
 * or note a user gave, so a re-run neither duplicates nor resets an anomaly.
 */
export interface AnomalyFilter {
  status?: AnomalyStatus;
  severity?: Severity;
  start?: string;
  end?: string;
}

export interface AnomalyPatch {
  status?: AnomalyStatus;
  feedback?: AnomalyFeedback | null;
  note?: string | null;
}

const DETECTED_FIELDS = [
  'causeId',
  'severity',
  'monitor',
  'dimensionValue',
  'dimensionName',
  'startDate',
  'endDate',
  'currency',
  'impact',
  'impactPerDay',
  'actual',
  'expected',
  'score',
  'rootCause',
] as const;

/** Dates in ids are yyyymmdd. */
const compact = (date: string) => date.replaceAll('-', '');

function fromItem(item: Record<string, unknown>): Anomaly {
  return {
    id: item.id as string,
    ...(Object.fromEntries(DETECTED_FIELDS.map((f) => [f, item[f]])) as Pick<DetectedAnomaly, (typeof DETECTED_FIELDS)[number]>),
    contributors: JSON.parse(item.contributors as string) as DetectedAnomaly['contributors'],
    flaggedBy: JSON.parse(item.flaggedBy as string) as DetectedAnomaly['flaggedBy'],
    series: JSON.parse(item.series as string) as DetectedAnomaly['series'],
    status: item.status as AnomalyStatus,
    feedback: (item.feedback as AnomalyFeedback | null) ?? null,
    note: (item.note as string | null) ?? null,
    suppressed: item.suppressed === true,
    detectedAt: item.detectedAt as string,
    updatedAt: item.updatedAt as string,
    statusChangedBy: (item.statusChangedBy as string | null) ?? null,
    statusChangedAt: (item.statusChangedAt as string | null) ?? null,
  };
}

export class AnomalyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  /** Creates or refreshes a detected anomaly; `suppressed` applies only when it is new. */
  async upsertDetected(tenantId: string, anomaly: DetectedAnomaly, suppressed: boolean, now: string): Promise<void> {
    const values: Record<string, unknown> = {
      ':id': anomaly.id,
      ':entity': 'Anomaly',
      ':contributors': JSON.stringify(anomaly.contributors),
      ':flaggedBy': JSON.stringify(anomaly.flaggedBy),
      ':series': JSON.stringify(anomaly.series),
      ':status': suppressed ? 'ignored' : 'active',
      ':suppressed': suppressed,
      ':null': null,
      ':now': now,
    };
    const names: Record<string, string> = {};
    const sets = ['id = :id', 'entity = :entity', 'contributors = :contributors', 'flaggedBy = :flaggedBy', 'series = :series', 'updatedAt = :now'];
    for (const f of DETECTED_FIELDS) {
      names[`#${f}`] = f;
      values[`:${f}`] = anomaly[f];
      sets.push(`#${f} = :${f}`);
    }
    names['#status'] = 'status';
    sets.push(
      '#status = if_not_exists(#status, :status)',
      'suppressed = if_not_exists(suppressed, :suppressed)',
      'feedback = if_not_exists(feedback, :null)',
      'note = if_not_exists(note, :null)',
      'detectedAt = if_not_exists(detectedAt, :now)',
    );
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.anomaly(tenantId, anomaly.id),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<Anomaly> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.anomaly(tenantId, id) }));
    if (!out.Item) throw new NotFound('Anomaly not found.');
    return fromItem(out.Item);
  }

  /** Newest first (by start date); filters on status and severity, and a start-date range on the key. */
  async list(tenantId: string, filter: AnomalyFilter, limit: number, cursor?: string): Promise<Page<Anomaly>> {
    const { pk, skPrefix } = keys.anomaliesOf(tenantId);
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (filter.status) {
      conditions.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = filter.status;
    }
    if (filter.severity) {
      conditions.push('#severity = :severity');
      names['#severity'] = 'severity';
      values[':severity'] = filter.severity;
    }
    const skBetween: [string, string] | undefined =
      filter.start || filter.end ? [`${skPrefix}${filter.start ? compact(filter.start) : ''}`, `${skPrefix}${filter.end ? compact(filter.end) : '99999999'}`] : undefined;
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, {
      tenantId,
      pk,
      skPrefix,
      // The end is exclusive: ids of that day sort after "ANOMALY#<end>" and before it only the days before.
      skBetween,
      limit,
      cursor,
      fingerprint: queryFingerprint('listAnomalies', { ...filter }),
      newestFirst: true,
      filter: conditions.length ? { expression: conditions.join(' AND '), names, values } : undefined,
    });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  /** The user's changes; 404 when the anomaly is not this tenant's. */
  async update(tenantId: string, id: string, patch: AnomalyPatch, actorId: string, now: string): Promise<Anomaly> {
    const sets = ['updatedAt = :now'];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':now': now };
    if (patch.status !== undefined) {
      sets.push('#status = :status', 'statusChangedBy = :actor', 'statusChangedAt = :now');
      names['#status'] = 'status';
      values[':status'] = patch.status;
      values[':actor'] = actorId;
    }
    if (patch.feedback !== undefined) {
      sets.push('feedback = :feedback');
      values[':feedback'] = patch.feedback;
    }
    if (patch.note !== undefined) {
      sets.push('note = :note');
      values[':note'] = patch.note;
    }
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.anomaly(tenantId, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFound('Anomaly not found.');
      throw error;
    }
  }

  // ---- Causes marked expected ----

  async suppress(tenantId: string, causeId: string, anomalyId: string, actorId: string, now: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.anomalySuppression(tenantId, causeId), entity: 'AnomalySuppression', causeId, anomalyId, createdBy: actorId, createdAt: now },
      }),
    );
  }

  /** Lifts the suppression an anomaly's "expected" feedback set (not one another anomaly set). */
  async unsuppress(tenantId: string, causeId: string, anomalyId: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.anomalySuppression(tenantId, causeId),
          ConditionExpression: 'anomalyId = :id',
          ExpressionAttributeValues: { ':id': anomalyId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async suppressedCauses(tenantId: string): Promise<Map<string, string>> {
    const { pk, skPrefix } = keys.anomalySuppressionsOf(tenantId);
    const out = new Map<string, string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.set(item.causeId as string, item.anomalyId as string);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  // ---- Settings and runs ----

  async settings(tenantId: string): Promise<AnalysisSettings> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.analysisSettings(tenantId) }));
    const stored = (out.Item ?? {}) as Partial<AnalysisSettings>;
    return { thresholds: { ...DEFAULT_THRESHOLDS, ...stored.thresholds }, metric: stored.metric ?? 'effective' };
  }

  /** Changes only the given thresholds (and metric); the rest keep their stored or default values. */
  async updateSettings(tenantId: string, patch: Partial<Thresholds> & { metric?: AnalysisSettings['metric'] }): Promise<AnalysisSettings> {
    const { metric, ...thresholds } = patch;
    const current = await this.settings(tenantId);
    const next: AnalysisSettings = { thresholds: { ...current.thresholds, ...thresholds }, metric: metric ?? current.metric };
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.analysisSettings(tenantId), entity: 'AnalysisSettings', ...next } }));
    return next;
  }

  async recordRun(tenantId: string, run: { status: 'succeeded' | 'failed'; trigger: string; anomalies?: number; error?: string | null }, now: string): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.analysisRun(tenantId), entity: 'AnalysisRun', ...run, finishedAt: now } }),
    );
  }
}
