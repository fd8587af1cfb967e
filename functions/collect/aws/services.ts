import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { AccountTarget, CollectedTargetGroup, CollectWarning, ServicesInventory, ServicesSource } from '#shared/inventory/provider.js';
import { AccountCalls, allPages } from './common.js';
import type { CallOptions } from './retry.js';

export interface ServiceClients {
  elb: ElasticLoadBalancingV2Client;
  rds: RDSClient;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
}

const clients = (region: string, credentials: AwsCredentialIdentityProvider): ServiceClients => {
  const config = { region, credentials, maxAttempts: 1 };
  return { elb: new ElasticLoadBalancingV2Client(config), rds: new RDSClient(config), lambda: new LambdaClient(config), logs: new CloudWatchLogsClient(config) };
};

/** Load balancers (with target health), RDS instances, Lambda functions and log groups, with SDK v3. */
export class AwsServicesSource implements ServicesSource {
  private readonly calls: AccountCalls;

  constructor(
    sts: STSClient,
    options: CallOptions = {},
    private readonly clientsFor: (region: string, credentials: AwsCredentialIdentityProvider) => ServiceClients = clients,
  ) {
    this.calls = new AccountCalls(sts, options);
  }

  async services(target: AccountTarget, region: string): Promise<ServicesInventory> {
    const { elb, rds, lambda, logs } = this.clientsFor(region, this.calls.credentialsFor(target));
    const warnings: CollectWarning[] = [];
    const call = this.calls.call.bind(this.calls);
    const part = <T>(action: string, fn: () => Promise<T[]>) => this.calls.part<T[]>(warnings, region, action, [], fn);

    const balancers = await part('elasticloadbalancing:DescribeLoadBalancers', () =>
      allPages((Marker) => call(() => elb.send(new DescribeLoadBalancersCommand({ Marker, PageSize: 400 }))), (r) => r.LoadBalancers, (r) => r.NextMarker),
    );
    const LoadBalancers = [];
    for (const lb of balancers) {
      const groups = await part('elasticloadbalancing:DescribeTargetGroups', () =>
        allPages(
          (Marker) => call(() => elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn, Marker, PageSize: 400 }))),
          (r) => r.TargetGroups,
          (r) => r.NextMarker,
        ),
      );
      const TargetGroups: CollectedTargetGroup[] = [];
      for (const group of groups) {
        const health = await part('elasticloadbalancing:DescribeTargetHealth', async () =>
          (await call(() => elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn })))).TargetHealthDescriptions ?? [],
        );
        TargetGroups.push({ ...group, TargetHealthDescriptions: health });
      }
      LoadBalancers.push({ ...lb, TargetGroups });
    }
    const DBInstances = await part('rds:DescribeDBInstances', () =>
      allPages((Marker) => call(() => rds.send(new DescribeDBInstancesCommand({ Marker, MaxRecords: 100 }))), (r) => r.DBInstances, (r) => r.Marker),
    );
    const Functions = await part('lambda:ListFunctions', () =>
      allPages((Marker) => call(() => lambda.send(new ListFunctionsCommand({ Marker, MaxItems: 50 }))), (r) => r.Functions, (r) => r.NextMarker),
    );
    const LogGroups = await part('logs:DescribeLogGroups', () =>
      allPages((nextToken) => call(() => logs.send(new DescribeLogGroupsCommand({ nextToken, limit: 50 }))), (r) => r.logGroups, (r) => r.nextToken),
    );
    return { region, LoadBalancers, DBInstances, Functions, LogGroups, warnings };
  }
}
