import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

  async remove(tenantId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.tenantRegistryEntry(tenantId) }));
  }
}
