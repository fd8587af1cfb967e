import { STSClient } from '@aws-sdk/client-sts';
import { localInventoryProvider, type Ec2Source } from '#shared/inventory/provider.js';
import { AwsEc2Source } from './aws/ec2.js';
import { putSnapshot, regionOf, targetOf, uploadOf, InvalidTaskInput } from './task-input.js';

/**
 * The collection workflow's EC2 task (state-machines/collection.asl.json): `connect` assumes the
 * account's role and lists its enabled regions; `ec2` reads one region's EC2 inventory and writes
 * the raw answers to the object store through the presigned PUT it is given.
 */
let source: Ec2Source | undefined;
const ec2Source = (): Ec2Source => (source ??= localInventoryProvider() ?? new AwsEc2Source(new STSClient({})));

export async function handler(event: { op?: unknown; target?: unknown; region?: unknown; upload?: unknown }): Promise<unknown> {
  switch (event.op) {
    case 'connect': {
      const target = targetOf(event.target);
      return ec2Source().connect(target);
    }
    case 'ec2': {
      const raw = await ec2Source().ec2(targetOf(event.target), regionOf(event.region));
      const bytes = await putSnapshot(uploadOf(event.upload), raw);
      return { bytes, warnings: raw.warnings };
    }
    default:
      throw new InvalidTaskInput(`unknown op ${JSON.stringify(event.op)}`);
  }
}
