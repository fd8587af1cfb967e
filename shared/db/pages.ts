import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor.js';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageQuery {
  tenantId: string;
  pk: string;
  /** Items whose sort key starts with this. */
  skPrefix: string;
  /** Narrower sort key range inside the prefix (e.g. a time window on ULID keys). */
  skBetween?: [string, string];
  limit: number;
  cursor?: string | undefined;
  /** From queryFingerprint(): the cursor only replays against the same query. */
  fingerprint: string;
  newestFirst?: boolean;
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

/** At most this many reads per page when a filter discards items, so one request stays bounded. */
const MAX_READS_PER_PAGE = 10;

/** One page of a Query (never a Scan), with a tenant- and query-bound cursor. */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  tableName: string,
  cursorSecret: string,
  q: PageQuery,
): Promise<Page<Record<string, unknown>>> {
  const items: Record<string, unknown>[] = [];
  let startKey = q.cursor ? decodeCursor(cursorSecret, q.tenantId, q.fingerprint, q.cursor) : undefined;
  const [from, to] = q.skBetween ?? [];
  for (let reads = 0; reads < MAX_READS_PER_PAGE && items.length < q.limit; reads++) {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: from ? '#pk = :pk AND #sk BETWEEN :from AND :to' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk', ...q.filter?.names },
        ExpressionAttributeValues: {
          ':pk': q.pk,
          ...(from ? { ':from': from, ':to': to } : { ':prefix': q.skPrefix }),
          ...q.filter?.values,
        },
        FilterExpression: q.filter?.expression,
        ExclusiveStartKey: startKey,
        // Limit counts items read before the filter, so a page never overshoots `limit`.
        Limit: q.limit - items.length,
        ScanIndexForward: !q.newestFirst,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
    if (!startKey) break;
  }
  return {
    items,
    nextCursor: startKey ? encodeCursor(cursorSecret, q.tenantId, q.fingerprint, startKey) : null,
  };
}

/** Every item of a paged list, page after page (for workflows that need the whole list). */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
