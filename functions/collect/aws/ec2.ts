import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNatGatewaysCommand,
  DescribeRegionsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  EC2Client,
  type InstanceTypeInfo,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { AccountAccessError, type AccountConnection, type AccountTarget, type CollectWarning, type Ec2Inventory, type Ec2Source } from '#shared/inventory/provider.js';
import { AccountCalls, allPages } from './common.js';
import type { CallOptions } from './retry.js';

type Ec2Factory = (region: string, credentials: AwsCredentialIdentityProvider) => EC2Client;
/** The SDK's own retries are off: AccountCalls retries, once, visibly (see retry.ts). */
const ec2Client: Ec2Factory = (region, credentials) => new EC2Client({ region, credentials, maxAttempts: 1 });

/** EC2 inventory with SDK v3 (instances, volumes, snapshots, Elastic IPs, NAT gateways, instance types). */
export class AwsEc2Source implements Ec2Source {
  private readonly calls: AccountCalls;

  constructor(
    sts: STSClient,
    options: CallOptions = {},
    private readonly clientFor: Ec2Factory = ec2Client,
    private readonly stsFor: (credentials: AwsCredentialIdentityProvider) => STSClient = (credentials) => new STSClient({ credentials, maxAttempts: 1 }),
  ) {
    this.calls = new AccountCalls(sts, options);
  }

  async connect(target: AccountTarget): Promise<AccountConnection> {
    const credentials = this.calls.credentialsFor(target);
    // Assume first: a refusal is the account's AccountAccessError, before any other call.
    await this.calls.call(() => credentials());
    const identity = await this.calls.call(() => this.stsFor(credentials).send(new GetCallerIdentityCommand({})));
    if (identity.Account !== target.accountId) throw new AccountAccessError('WRONG_ACCOUNT', `The role belongs to account ${identity.Account}, not ${target.accountId}.`);
    const ec2 = this.clientFor('us-east-1', credentials);
    try {
      const out = await this.calls.call(() => ec2.send(new DescribeRegionsCommand({ AllRegions: false })));
      return { accountId: target.accountId, regions: (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort() };
    } catch (error) {
      if ((error as Error).name === 'UnauthorizedOperation') throw new AccountAccessError('MISSING_PERMISSION', 'The role may not call ec2:DescribeRegions, so no region can be listed.');
      throw error;
    }
  }

  async ec2(target: AccountTarget, region: string): Promise<Ec2Inventory> {
    const ec2 = this.clientFor(region, this.calls.credentialsFor(target));
    const warnings: CollectWarning[] = [];
    const call = this.calls.call.bind(this.calls);
    const part = <T>(action: string, fn: () => Promise<T[]>) => this.calls.part<T[]>(warnings, region, action, [], fn);

    const Instances = await part('ec2:DescribeInstances', () =>
      allPages(
        (NextToken) => call(() => ec2.send(new DescribeInstancesCommand({ NextToken, MaxResults: 1000 }))),
        (r) => (r.Reservations ?? []).flatMap((res) => res.Instances ?? []),
        (r) => r.NextToken,
      ),
    );
    const Volumes = await part('ec2:DescribeVolumes', () =>
      allPages((NextToken) => call(() => ec2.send(new DescribeVolumesCommand({ NextToken, MaxResults: 500 }))), (r) => r.Volumes, (r) => r.NextToken),
    );
    const Snapshots = await part('ec2:DescribeSnapshots', () =>
      allPages(
        (NextToken) => call(() => ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], NextToken, MaxResults: 1000 }))),
        (r) => r.Snapshots,
        (r) => r.NextToken,
      ),
    );
    const Addresses = await part('ec2:DescribeAddresses', async () => (await call(() => ec2.send(new DescribeAddressesCommand({})))).Addresses ?? []);
    const NatGateways = await part('ec2:DescribeNatGateways', () =>
      allPages((NextToken) => call(() => ec2.send(new DescribeNatGatewaysCommand({ NextToken, MaxResults: 1000 }))), (r) => r.NatGateways, (r) => r.NextToken),
    );
    const types = [...new Set(Instances.flatMap((i) => (i.InstanceType ? [i.InstanceType] : [])))].sort();
    const InstanceTypes: InstanceTypeInfo[] = [];
    // At most 100 types per request.
    for (let i = 0; i < types.length; i += 100) {
      const batch = types.slice(i, i + 100) as _InstanceType[];
      InstanceTypes.push(
        ...(await part('ec2:DescribeInstanceTypes', () =>
          allPages((NextToken) => call(() => ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: batch, NextToken }))), (r) => r.InstanceTypes, (r) => r.NextToken),
        )),
      );
    }
    return { region, Instances, Volumes, Snapshots, Addresses, NatGateways, InstanceTypes, warnings };
  }
}
