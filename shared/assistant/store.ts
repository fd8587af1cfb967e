import { createHash } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { queryFingerprint } from '../db/cursor.js';
import { keys } from '../db/keys.js';
import { queryPage, type Page } from '../db/pages.js';
import { DomainError, NotFound } from '../errors.js';
import { MAX_MESSAGES_SHOWN, QUOTA_EXCEEDED } from './constants.js';
import type { Answer } from './model.js';

/**
 * Conversations and their messages (tenant-scoped client in AWS). A conversation's key holds its
 * owner, so a get by another user of the same tenant reads nothing and answers 404, like another
 * tenant's id. Usage is one item per tenant and month, counted atomically against the quota.
 */
export interface Conversation {
  id: string;
  ownerId: string;
  title: string;
  turns: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoredMessage extends Answer {
  id: string;
  conversationId: string;
  question: string;
  createdAt: string;
}

export interface Usage {
  period: string;
  questions: number;
  inputTokens: number;
  outputTokens: number;
}

/** 429 once the tenant's questions for the month are used. */
export class QuotaExceeded extends DomainError {
  readonly status = 429;
  readonly code = QUOTA_EXCEEDED;
}

const ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Principal ids go into keys: one that could not (an unexpected character) is hashed instead. */
export const ownerKeyOf = (principalId: string): string => (ID.test(principalId) ? principalId : createHash('sha256').update(principalId).digest('base64url'));

const conversationOf = (item: Record<string, unknown>): Conversation => ({
  id: item.id as string,
  ownerId: item.ownerId as string,
  title: item.title as string,
  turns: Number(item.turns ?? 0),
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
});

const messageOf = (item: Record<string, unknown>): StoredMessage => {
  const { pk: _p, sk: _s, entity: _e, ...rest } = item;
  return rest as unknown as StoredMessage;
};

export class ConversationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async create(tenantId: string, ownerId: string, title: string, now: string): Promise<Conversation> {
    const conversation: Conversation = { id: ulid(), ownerId, title, turns: 0, createdAt: now, updatedAt: now };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.assistantConversation(tenantId, ownerKeyOf(ownerId), conversation.id), entity: 'AssistantConversation', ...conversation },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return conversation;
  }

  async get(tenantId: string, ownerId: string, id: string): Promise<Conversation> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.assistantConversation(tenantId, ownerKeyOf(ownerId), id), ConsistentRead: true }));
    if (!out.Item) throw new NotFound('Conversation not found.');
    return conversationOf(out.Item);
  }

  /** Newest first. */
  async list(tenantId: string, ownerId: string, limit: number, cursor?: string): Promise<Page<Conversation>> {
    const { pk, skPrefix } = keys.assistantConversationsOf(tenantId, ownerKeyOf(ownerId));
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, {
      tenantId,
      pk,
      skPrefix,
      limit,
      cursor,
      newestFirst: true,
      fingerprint: queryFingerprint('listAssistantConversations', { owner: ownerKeyOf(ownerId) }),
    });
    return { items: page.items.map(conversationOf), nextCursor: page.nextCursor };
  }

  /** The last `count` messages, oldest first. */
  async messages(tenantId: string, conversationId: string, count = MAX_MESSAGES_SHOWN): Promise<StoredMessage[]> {
    const { pk, skPrefix } = keys.assistantMessagesOf(tenantId, conversationId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
        ScanIndexForward: false,
        Limit: count,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(messageOf).reverse();
  }

  /** Stores a question and its answer, and counts the turn on the conversation (which must still be there). */
  async addMessage(tenantId: string, conversation: Conversation, question: string, answer: Answer, now: string): Promise<StoredMessage> {
    const message: StoredMessage = { id: ulid(), conversationId: conversation.id, question, ...answer, createdAt: now };
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.assistantConversation(tenantId, ownerKeyOf(conversation.ownerId), conversation.id),
        UpdateExpression: 'ADD turns :one SET updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
      }),
    ).catch((error: Error) => {
      if (error.name === 'ConditionalCheckFailedException') throw new NotFound('Conversation not found.');
      throw error;
    });
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...keys.assistantMessage(tenantId, conversation.id, message.id), entity: 'AssistantMessage', ...message } }),
    );
    return message;
  }

  /** Names a conversation after its first question (unless it is gone meanwhile). */
  async rename(tenantId: string, conversation: Conversation, title: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.assistantConversation(tenantId, ownerKeyOf(conversation.ownerId), conversation.id),
          UpdateExpression: 'SET title = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': title },
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'ConditionalCheckFailedException') throw error;
      });
  }

  /** Deletes the messages, then the conversation: a retry after a failure still finds it and finishes. */
  async delete(tenantId: string, ownerId: string, id: string): Promise<void> {
    await this.get(tenantId, ownerId, id);
    const { pk, skPrefix } = keys.assistantMessagesOf(tenantId, id);
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
          ExpressionAttributeValues: { ':pk': pk, ':p': skPrefix },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      const items = out.Items ?? [];
      for (let i = 0; i < items.length; i += 25) {
        let requests: Record<string, unknown>[] | undefined = items.slice(i, i + 25).map((k) => ({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } }));
        for (let attempt = 0; requests && requests.length > 0; attempt++) {
          // Throttled deletes come back unprocessed: retry with backoff, then fail (the conversation stays, so a retry finishes).
          if (attempt === 5) throw new Error('could not delete the conversation\'s messages; try again');
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          const res = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }));
          requests = res.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        }
      }
      start = out.LastEvaluatedKey;
    } while (start);
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.assistantConversation(tenantId, ownerKeyOf(ownerId), id) }));
  }

  // ---- Usage and the monthly quota ----

  /**
   * Counts one question against the month's quota, atomically: two requests racing for the last
   * question cannot both pass. Throws QuotaExceeded when the month's questions are used.
   */
  async reserveQuestion(tenantId: string, period: string, limit: number, now: string): Promise<number> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.assistantUsage(tenantId, period),
          UpdateExpression: 'ADD questions :one SET entity = :e, period = :p, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(questions) OR questions < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':e': 'AssistantUsage', ':p': period, ':now': now },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.questions ?? 1);
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new QuotaExceeded(`This organization has used its ${limit} assistant questions for ${period}; the quota resets at the start of next month (UTC).`, { limit, period });
      }
      throw error;
    }
  }

  /** Gives a reserved question back (the answer failed before it was given). */
  async releaseQuestion(tenantId: string, period: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.assistantUsage(tenantId, period),
        UpdateExpression: 'ADD questions :minus',
        ConditionExpression: 'questions > :zero',
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }),
    ).catch(() => undefined);
  }

  async recordTokens(tenantId: string, period: string, inputTokens: number, outputTokens: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.assistantUsage(tenantId, period),
        UpdateExpression: 'ADD inputTokens :i, outputTokens :o',
        ExpressionAttributeValues: { ':i': inputTokens, ':o': outputTokens },
      }),
    );
  }

  async usage(tenantId: string, period: string): Promise<Usage> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.assistantUsage(tenantId, period), ConsistentRead: true }));
    const item = out.Item ?? {};
    return { period, questions: Number(item.questions ?? 0), inputTokens: Number(item.inputTokens ?? 0), outputTokens: Number(item.outputTokens ?? 0) };
  }
}
