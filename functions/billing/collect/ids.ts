import { createHash } from 'node:crypto';
import { encodeTime } from 'ulid';

const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * The ingestion id of a source's scheduled collection on one day (UTC): a ULID whose time is the
 * day's start and whose random part is a hash of the source and the day, so a retried schedule
 * finds the collection it already recorded, and the history sorts collections by day.
 */
export function dailyIngestionId(sourceId: string, now: Date): string {
  const day = now.toISOString().slice(0, 10);
  const bytes = createHash('sha256').update(`${sourceId}\n${day}`).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += B32[bytes[i]! & 31];
  return encodeTime(Date.parse(`${day}T00:00:00.000Z`), 10) + random;
}
