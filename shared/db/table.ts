/**
 * The single table's shape: one definition read by CDK (lib/) and by the local platform, so the
 * table deployed and the table emulated cannot drift.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after (denylist entries, idempotency records). */
  ttlAttribute: 'ttl',
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

export interface KeyPair {
  pk: string;
  sk: string;
}
