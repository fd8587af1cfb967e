import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { queryFingerprint } from '../db/cursor.js';
import { keys } from '../db/keys.js';
import { notFoundOnCondition, setExpression } from '../db/directory.js';
import { allPages, queryPage, type Page } from '../db/pages.js';
import { NotFound } from '../errors.js';
import type { BudgetStatusName } from './constants.js';
import type { BudgetTerms } from './evaluate.js';

/**
 * Budgets in the single table, per tenant (the client is tenant-scoped in AWS), and the record of
 * each evaluated period (the amount it was held to, what was spent, its status), which the history
 * reads so a later change of the amount does not rewrite the past.
 */
export interface BudgetRecord extends BudgetTerms {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface BudgetPeriodRecord {
  budgetId: string;
  label: string;
  amount: string;
  spent: string;
  forecast: string;
  status: BudgetStatusName;
  evaluatedAt: string;
}

export type BudgetInput = Omit<BudgetRecord, 'id' | 'createdAt' | 'createdBy' | 'updatedAt'>;

const FIELDS = ['name', 'amount', 'currency', 'period', 'metric', 'filters', 'thresholds'] as const;

function fromItem(item: Record<string, unknown>): BudgetRecord {
  return {
    id: item.id as string,
    name: item.name as string,
    amount: item.amount as string,
    currency: item.currency as string,
    period: item.period as BudgetRecord['period'],
    metric: item.metric as BudgetRecord['metric'],
    filters: (item.filters ?? {}) as Record<string, string[]>,
    thresholds: (item.thresholds ?? []) as BudgetRecord['thresholds'],
    createdAt: item.createdAt as string,
    createdBy: item.createdBy as string,
    updatedAt: item.updatedAt as string,
  };
}

export class BudgetStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async create(tenantId: string, input: BudgetInput, actorId: string, now: string): Promise<BudgetRecord> {
    const record: BudgetRecord = { id: ulid(), ...pick(input), createdAt: now, createdBy: actorId, updatedAt: now };
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.budget(tenantId, record.id), entity: 'Budget', ...record }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return record;
  }

  async get(tenantId: string, id: string): Promise<BudgetRecord> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.budget(tenantId, id) }));
    if (!out.Item) throw new NotFound('Budget not found.');
    return fromItem(out.Item);
  }

  /** Oldest first (ids are ULIDs). */
  async list(tenantId: string, limit: number, cursor?: string): Promise<Page<BudgetRecord>> {
    const { pk, skPrefix } = keys.budgetsOf(tenantId);
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, { tenantId, pk, skPrefix, limit, cursor, fingerprint: queryFingerprint('listBudgets', {}) });
    return { items: page.items.map(fromItem), nextCursor: page.nextCursor };
  }

  /** Every budget of the tenant (the workflow's budget check). */
  all(tenantId: string): Promise<BudgetRecord[]> {
    return allPages((cursor) => this.list(tenantId, 500, cursor));
  }

  /** Changes only the given fields; 404 when the budget is not this tenant's. */
  async update(tenantId: string, id: string, patch: Partial<BudgetInput>, now: string): Promise<BudgetRecord> {
    const { expression, names, values } = setExpression({ ...Object.fromEntries(FIELDS.filter((f) => patch[f] !== undefined).map((f) => [f, patch[f]])), updatedAt: now });
    const out = await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.budget(tenantId, id),
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      )
      .catch(notFoundOnCondition('Budget not found.'));
    return fromItem(out.Attributes!);
  }

  /** Deletes the budget, then its period records; 404 when it is not this tenant's. */
  async delete(tenantId: string, id: string): Promise<void> {
    try {
      await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.budget(tenantId, id), ConditionExpression: 'attribute_exists(pk)' }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new NotFound('Budget not found.');
      throw error;
    }
    const { pk, skPrefix } = keys.budgetPeriodsOf(tenantId, id);
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix }, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }),
      );
      const items = out.Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) } }));
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }

  // ---- Evaluated periods ----

  async recordPeriod(tenantId: string, record: BudgetPeriodRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.budgetPeriod(tenantId, record.budgetId, record.label), entity: 'BudgetPeriod', ...record } }),
    );
  }

  /** The budget's evaluated periods by label. */
  async periods(tenantId: string, budgetId: string): Promise<Map<string, BudgetPeriodRecord>> {
    const { pk, skPrefix } = keys.budgetPeriodsOf(tenantId, budgetId);
    const out = new Map<string, BudgetPeriodRecord>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) out.set(item.label as string, item as unknown as BudgetPeriodRecord);
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }
}

function pick(input: BudgetInput): BudgetInput {
  return { name: input.name, amount: input.amount, currency: input.currency, period: input.period, metric: input.metric, filters: input.filters, thresholds: input.thresholds };
}
