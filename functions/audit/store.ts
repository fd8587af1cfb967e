import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { encodeTime } from 'ulid';
import type { AuditEntry } from '#shared/audit.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { keys } from '#shared/db/keys.js';
import { queryPage, type Page } from '#shared/db/pages.js';

export interface AuditFilter {
  from?: string | undefined;
  to?: string | undefined;
  actor?: string | undefined;
  action?: string | undefined;
  result?: AuditEntry['result'] | undefined;
}

/** Reads the audit trail newest first. Entries sort by ULID, so a time window is a key range. */
export class AuditReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async list(tenantId: string, filter: AuditFilter, limit: number, cursor: string | undefined): Promise<Page<AuditEntry>> {
    const { pk, skPrefix } = keys.auditOf(tenantId);
    const from = filter.from ? `${skPrefix}${encodeTime(Date.parse(filter.from))}` : skPrefix;
    // '~' sorts after every Crockford base32 character, so the window includes all of `to`'s millisecond.
    const to = filter.to ? `${skPrefix}${encodeTime(Date.parse(filter.to))}~` : `${skPrefix}~`;

    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    if (filter.actor) {
      conditions.push('(#actor.#id = :actor OR #actor.#email = :actor)');
      Object.assign(names, { '#actor': 'actor', '#id': 'id', '#email': 'email' });
      values[':actor'] = filter.actor;
    }
    if (filter.action) {
      conditions.push('#action = :action');
      names['#action'] = 'action';
      values[':action'] = filter.action;
    }
    if (filter.result) {
      conditions.push('#result = :result');
      names['#result'] = 'result';
      values[':result'] = filter.result;
    }
    const page = await queryPage(this.doc, this.tableName, this.cursorSecret, {
      tenantId,
      pk,
      skPrefix,
      skBetween: [from, to],
      limit,
      cursor,
      fingerprint: queryFingerprint('listAuditEntries', { ...filter }),
      newestFirst: true,
      ...(conditions.length ? { filter: { expression: conditions.join(' AND '), names, values } } : {}),
    });
    return { items: page.items as unknown as AuditEntry[], nextCursor: page.nextCursor };
  }
}
