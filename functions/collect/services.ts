import { STSClient } from '@aws-sdk/client-sts';
import { localInventoryProvider, type ServicesSource } from '#shared/inventory/provider.js';
import { AwsServicesSource } from './aws/services.js';
import { putSnapshot, regionOf, targetOf, uploadOf, InvalidTaskInput } from './task-input.js';

/**
 * The collection workflow's services task: one region's load balancers (with target health), RDS
 * instances, Lambda functions and log groups, written raw through the presigned PUT it is given.
 */
let source: ServicesSource | undefined;
const servicesSource = (): ServicesSource => (source ??= localInventoryProvider() ?? new AwsServicesSource(new STSClient({})));

export async function handler(event: { op?: unknown; target?: unknown; region?: unknown; upload?: unknown }): Promise<unknown> {
  if (event.op !== 'services') throw new InvalidTaskInput(`unknown op ${JSON.stringify(event.op)}`);
  const raw = await servicesSource().services(targetOf(event.target), regionOf(event.region));
  const bytes = await putSnapshot(uploadOf(event.upload), raw);
  return { bytes, warnings: raw.warnings };
}
