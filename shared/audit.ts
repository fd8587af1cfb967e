import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableClients } from './aws/tenant-clients.js';
import { ulid } from 'ulid';
import type { z } from 'zod';
import type { auditEntry } from './contracts/audit.js';
import { keys } from './db/keys.js';

export type AuditEntry = z.infer<typeof auditEntry>;
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'time'>;

/** Port: where audit entries go. Append-only: there is no update or delete. */
export interface AuditWriter {
  record(tenantId: string, entry: NewAuditEntry): Promise<AuditEntry>;
}

export class DynamoAuditWriter implements AuditWriter {
  constructor(
    private readonly tables: TableClients,
    private readonly tableName: string,
  ) {}

  async record(tenantId: string, entry: NewAuditEntry): Promise<AuditEntry> {
    const stored: AuditEntry = { id: ulid(), time: new Date().toISOString(), ...entry };
    await this.tables.forTenant(tenantId).send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.audit(tenantId, stored.id), entity: 'AuditEntry', ...stored },
        // Append-only: an entry is written once and never replaced.
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return stored;
  }
}
