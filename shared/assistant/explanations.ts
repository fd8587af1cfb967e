import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from '../db/keys.js';
import type { ExplainKind, ExplanationSource } from './explain.js';

/** Cached explanations live this long after they were generated (the table's ttl attribute removes them). */
export const EXPLANATION_TTL_SECONDS = 30 * 24 * 3600;

export interface StoredExplanation {
  /** The item version (facts hash) it explains. */
  version: string;
  text: string;
  engine: 'bedrock' | 'local';
  sources: ExplanationSource[];
  ungrounded: string[];
  generatedAt: string;
}

/**
 * One cached explanation per (tenant, item, engine), tenant-scoped client in AWS. It holds the
 * version it explains: a read for another version (the item changed since) is a miss, and the next
 * explanation overwrites it.
 */
export class ExplanationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, kind: ExplainKind, itemId: string, engine: StoredExplanation['engine'], version: string): Promise<StoredExplanation | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.assistantExplanation(tenantId, kind, itemId, engine) }));
    const item = out.Item;
    if (!item || item.version !== version) return null;
    return { version, text: item.text as string, engine, sources: item.sources as ExplanationSource[], ungrounded: item.ungrounded as string[], generatedAt: item.generatedAt as string };
  }

  async put(tenantId: string, kind: ExplainKind, itemId: string, explanation: StoredExplanation): Promise<void> {
    const ttl = Math.floor(Date.parse(explanation.generatedAt) / 1000) + EXPLANATION_TTL_SECONDS;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.assistantExplanation(tenantId, kind, itemId, explanation.engine), entity: 'AssistantExplanation', kind, itemId, ...explanation, ttl },
      }),
    );
  }
}
