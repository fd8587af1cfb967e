import { type CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag 3 reads acknowledgements from CDK's own Validations metadata: one rule (or one finding,
 * `Rule[finding]`) on one construct and everything under it. Keep them on the narrowest construct
 * and give the reason this app has; test/infra/nag.test.ts fails on any finding left unexplained.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** How cdk-nag spells a resource's ARN inside an IAM5 finding: `<LogicalId.Arn>`. */
export function nagArn(resource: IConstruct): string {
  const cfn = (resource.node.defaultChild ?? resource) as CfnResource;
  const stack = Stack.of(cfn);
  return `<${stack.resolve(stack.getLogicalId(cfn))}.Arn>`;
}
