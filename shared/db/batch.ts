import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

const BATCH = 25;
const MAX_ATTEMPTS = 9;

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * BatchWriteItem over any number of requests, 25 at a time: what DynamoDB hands back unprocessed
 * (throttling) is sent again with exponential backoff, and after 9 attempts the call fails, so a
 * caller's retry finishes the job (every put and delete is idempotent).
 */
export async function batchWrite(doc: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH) {
    let pending: readonly WriteRequest[] = requests.slice(i, i + BATCH);
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new Error(`DynamoDB kept ${pending.length} writes unprocessed after ${MAX_ATTEMPTS} attempts`);
      if (attempt) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as unknown as WriteRequest[];
    }
  }
}

/** Deletes the items with these keys (pk, sk). */
export const batchDelete = (doc: DynamoDBDocumentClient, tableName: string, keys: ReadonlyArray<{ pk: unknown; sk: unknown }>): Promise<void> =>
  batchWrite(doc, tableName, keys.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })));
