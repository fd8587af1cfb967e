import type { GetCostAndUsageRequest, GetCostAndUsageResponse } from '@aws-sdk/client-cost-explorer';

/**
 * A small cache of Cost Explorer answers, so the same query is not paid for twice in a short time
 * (a workflow step retried after a later failure, the same range collected twice in a warm Lambda).
 *
 * What it caches: the complete list of response pages of one GetCostAndUsage query, keyed by the
 * request (time period, granularity, metrics, group-by and filter, in a canonical form; the page
 * token is not part of the key), and stored only once every page was read. Entries live `ttlMs`
 * (default 10 minutes: Cost Explorer refreshes its data a few times a day, so a short TTL loses
 * nothing) and at most `maxEntries` queries per client are kept (oldest first out).
 *
 * Entries are kept per client object: two clients (two tenants' or two connected accounts'
 * credentials) never share an answer, even for identical requests. Keep one cache at module scope
 * of the handler and one client per connected account.
 */
export interface CostExplorerCacheOptions {
  /** Default 600_000 (10 minutes). */
  ttlMs?: number;
  /** Queries kept per client. Default 64. */
  maxEntries?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  expires: number;
  pages: readonly GetCostAndUsageResponse[];
}

export class CostExplorerCache {
  private byClient = new WeakMap<object, Map<string, Entry>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: CostExplorerCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? 600_000;
    this.maxEntries = options.maxEntries ?? 64;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs > 0) || !Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError('CostExplorerCache needs ttlMs > 0 and maxEntries >= 1');
    }
  }

  /** The pages of a query answered less than `ttlMs` ago through `client`, if any. */
  get(client: object, request: GetCostAndUsageRequest): readonly GetCostAndUsageResponse[] | undefined {
    const entries = this.byClient.get(client);
    const key = requestKey(request);
    const entry = entries?.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      entries!.delete(key);
      return undefined;
    }
    return entry.pages;
  }

  set(client: object, request: GetCostAndUsageRequest, pages: readonly GetCostAndUsageResponse[]): void {
    let entries = this.byClient.get(client);
    if (!entries) this.byClient.set(client, (entries = new Map()));
    const key = requestKey(request);
    entries.delete(key);
    entries.set(key, { expires: this.now() + this.ttlMs, pages });
    while (entries.size > this.maxEntries) entries.delete(entries.keys().next().value!);
  }

  clear(): void {
    this.byClient = new WeakMap();
  }
}

/** The request without its page token, as JSON with sorted keys. */
export function requestKey(request: GetCostAndUsageRequest): string {
  const { NextPageToken: _ignored, ...rest } = request;
  return canonicalJson(rest);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
