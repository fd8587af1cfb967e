import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RESOURCE_REF_PATTERN } from '#shared/contracts/recommendations.js';
import { keys } from '#shared/db/keys.js';
import type { Page } from '#shared/db/pages.js';
import { NotFound } from '#shared/errors.js';
import type { InventoryResource, ResourceType } from '#shared/inventory/model.js';
import { InventoryStore, resourceKey } from '#shared/inventory/store.js';

/**
 * The inventory as GET /v1/resources shows it: each resource under an API id that names its
 * inventory key (`<account>_<region>_<type>_<resource key>`), so one GetItem finds it.
 */
export const resourceRefOf = (r: Pick<InventoryResource, 'accountId' | 'region' | 'type' | 'resourceId'>): string | null => {
  const ref = `${r.accountId}_${r.region}_${r.type}_${resourceKey(r.resourceId)}`;
  return RESOURCE_REF_PATTERN.test(ref) ? ref : null;
};

export function parseResourceRef(ref: string): { accountId: string; region: string; type: ResourceType; key: string } {
  const m = RESOURCE_REF_PATTERN.exec(ref);
  if (!m) throw new NotFound('No such resource.');
  return { accountId: m[1]!, region: m[2]!, type: m[3] as ResourceType, key: m[4]! };
}

export interface ResourceFilter {
  type?: ResourceType;
  account?: string;
  region?: string;
  q?: string;
}

const strip = (item: Record<string, unknown>): InventoryResource => {
  const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _s, entity: _e, ...rest } = item;
  return rest as unknown as InventoryResource;
};

/** Case-insensitive match of the id, the name, and the tags' keys and values. */
export function matches(r: InventoryResource, q: string): boolean {
  const needle = q.toLowerCase();
  const fields = [r.resourceId, r.name ?? '', ...Object.entries(r.tags ?? {}).flat()];
  return fields.some((f) => f.toLowerCase().includes(needle));
}

export class ResourceReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursorSecret: string,
  ) {}

  async get(tenantId: string, ref: string): Promise<InventoryResource> {
    const { accountId, region, type, key } = parseResourceRef(ref);
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.inventoryResource(tenantId, accountId, region, type, key) }));
    if (!out.Item) throw new NotFound('No such resource.');
    return strip(out.Item);
  }

  /** One page of the inventory's own list (InventoryStore.list), searched by `q` on what it reads. */
  list(tenantId: string, filter: ResourceFilter, limit: number, cursor: string | undefined, fingerprint: string): Promise<Page<InventoryResource>> {
    const { type, account, region, q } = filter;
    const inventory = new InventoryStore(this.doc, this.tableName, this.cursorSecret);
    return inventory.list(tenantId, { type, accountId: account, region }, limit, cursor, fingerprint, q ? (r) => matches(r, q) : undefined);
  }
}
