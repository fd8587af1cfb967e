import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';

/**
 * The tenant registry: one item per tenant outside every tenant's partitions, which scheduled jobs
 * query to fan out. Written with the function's own role at sign-up, never with a tenant's.
 */
export class TenantRegistry {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async add(tenantId: string, createdAt: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.tenantRegistryEntry(tenantId), entity: 'TenantRegistryEntry', tenantId, createdAt },
      }),
    );
  }

  /** Every registered tenant id: a paged Query on the registry partition, never a Scan. */
  async tenantIds(): Promise<string[]> {
    const { pk, skPrefix } = keys.tenantRegistry();
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ProjectionExpression: 'tenantId',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) ids.push(item.tenantId as string);
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async remove(tenantId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.tenantRegistryEntry(tenantId) }));
  }
}
