import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys } from './keys.js';

/**
 * Signed-out sessions. Cognito cannot recall an ID token already issued, so logout lists the
 * session here until its tokens expire and the authorizer refuses anything listed.
 */
export class SessionRevocations {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async revoke(tenantId: string, sessionId: string, expiresAt: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.revokedToken(tenantId, sessionId), entity: 'RevokedSession', revokedAt: new Date().toISOString(), ttl: expiresAt },
      }),
    );
  }

  async isRevoked(tenantId: string, sessionId: string): Promise<boolean> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.revokedToken(tenantId, sessionId), ConsistentRead: true }));
    return out.Item !== undefined;
  }
}
