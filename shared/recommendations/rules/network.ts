/** Elastic IPs, load balancers, NAT gateways. */
import type { InventoryResource } from '../../inventory/model.js';
import { monthlyFromHourly } from '../calc.js';
import { makeFinding, priceItems, subjectOf } from '../finding.js';
import type { Rule, RuleContext } from '../model.js';
import { fmt, gib, metric, num, price, str } from './common.js';

const ipv4Monthly = (r: InventoryResource, context: RuleContext) => {
  const hourly = price(context.prices.publicIpv4Hourly(r.region));
  return hourly === null ? null : monthlyFromHourly(hourly);
};

const eipUnassociated: Rule = {
  scope: 'resource',
  definition: {
    id: 'eip-unassociated',
    title: 'Release unassociated Elastic IPs',
    category: 'network',
    pillar: 'cost-optimization',
    resourceType: 'elastic-ip',
    actionType: 'Delete',
    risk: 'low',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: false,
    description: 'An Elastic IP associated with nothing still pays the public IPv4 hourly charge. Once released, the same address usually cannot be had again.',
    savingsMethod: 'Public IPv4 price per hour ($0.005) x 730 h.',
  },
  evaluate(r, context) {
    if (r.state !== 'unassociated') return null;
    const ip = str(r, 'publicIp') ?? r.resourceId;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `${ip} is allocated but associated with no instance or network interface.`,
      current: { summary: `${ip} allocated, unassociated`, config: { publicIp: ip, associated: false } },
      recommended: { summary: 'released', config: { publicIp: null } },
      pricing: priceItems([{ resourceId: r.resourceId, service: 'AmazonVPC', currentList: ipv4Monthly(r, context), recommendedList: 0n }], r.region, context),
      actions: [`Check no DNS record or allow-list names ${ip}`, `Release the address (ReleaseAddress ${r.resourceId})`],
    });
  },
};

const eipOnStoppedInstance: Rule = {
  scope: 'resource',
  definition: {
    id: 'eip-on-stopped-instance',
    title: 'Release Elastic IPs of stopped instances',
    category: 'network',
    pillar: 'cost-optimization',
    resourceType: 'elastic-ip',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: false,
    description: 'An Elastic IP associated with a stopped instance serves nothing and still pays the public IPv4 hourly charge.',
    savingsMethod: 'Public IPv4 price per hour ($0.005) x 730 h.',
  },
  evaluate(r, context) {
    const instanceId = str(r, 'instanceId');
    const instance = instanceId ? context.resources.get(instanceId) : undefined;
    if (r.state !== 'associated' || !instance || instance.state !== 'stopped') return null;
    const ip = str(r, 'publicIp') ?? r.resourceId;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `${ip} is associated with ${instance.name ?? instanceId}, which is stopped.`,
      current: { summary: `${ip} on stopped ${instanceId}`, config: { publicIp: ip, instanceId: instanceId ?? null } },
      recommended: { summary: 'disassociated and released', config: { publicIp: null, instanceId: null } },
      pricing: priceItems([{ resourceId: r.resourceId, service: 'AmazonVPC', currentList: ipv4Monthly(r, context), recommendedList: 0n }], r.region, context),
      actions: [`Check no DNS record or allow-list names ${ip}`, `Disassociate (DisassociateAddress) and release it (ReleaseAddress ${r.resourceId})`],
    });
  },
};

const lbIdle: Rule = {
  scope: 'resource',
  definition: {
    id: 'elb-idle',
    title: 'Delete idle load balancers',
    category: 'network',
    pillar: 'cost-optimization',
    resourceType: 'load-balancer',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: "A load balancer with no healthy registered targets, or whose busiest day had fewer requests (ALB RequestCount; NLB NewFlowCount) than the tenant's idle threshold (default 100 a day).",
    savingsMethod: 'The load balancer-hour price x 730 h (capacity units are usage and not counted), or its billed cost.',
  },
  evaluate(r, context) {
    const kind = (str(r, 'type') ?? r.size ?? 'application') as 'application' | 'network' | 'gateway' | 'classic';
    const healthy = num(r, 'healthyTargets');
    const traffic = kind === 'network' ? metric(r, 'flows') : metric(r, 'requests');
    const threshold = context.settings.loadBalancerIdleRequestsPerDay;
    let evidence: string | null = null;
    if (healthy === 0) evidence = `no healthy targets (${num(r, 'registeredTargets') ?? 0} registered in ${num(r, 'targetGroups') ?? 0} target groups)`;
    if (traffic && traffic.maximum! < threshold) {
      const what = kind === 'network' ? 'new flows' : 'requests';
      evidence = `${evidence ? `${evidence}, and ` : ''}at most ${fmt(traffic.maximum!, 0)} ${what} a day over ${traffic.days} days (idle below ${threshold})`;
    }
    if (!evidence || (r.state !== null && r.state !== 'active')) return null;
    const hourly = price(context.prices.loadBalancerHourly(kind, r.region));
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Idle: ${evidence}.`,
      current: { summary: `${kind} load balancer, ${healthy ?? '?'} healthy targets`, config: { type: kind, healthyTargets: healthy } },
      recommended: { summary: 'deleted', config: { type: null } },
      pricing: priceItems([{ resourceId: r.resourceId, service: 'AWSELB', currentList: hourly === null ? null : monthlyFromHourly(hourly), recommendedList: 0n }], r.region, context),
      actions: [`Check no DNS record points at ${r.name ?? r.resourceId}`, 'Export its listeners and rules (DescribeListeners, DescribeRules) to recreate it if needed', `Delete it (DeleteLoadBalancer ${r.resourceId})`],
    });
  },
};

const natIdle: Rule = {
  scope: 'resource',
  definition: {
    id: 'nat-gateway-idle',
    title: 'Delete idle NAT gateways',
    category: 'network',
    pillar: 'cost-optimization',
    resourceType: 'nat-gateway',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: "A NAT gateway whose busiest day sent fewer bytes to destinations (BytesOutToDestination) than the tenant's idle threshold (default 1 GiB a day).",
    savingsMethod: 'The NAT gateway-hour price x 730 h (data processing is usage and not counted), or its billed cost.',
  },
  evaluate(r, context) {
    const bytes = metric(r, 'bytesOut');
    if (!bytes || bytes.maximum! >= context.settings.natIdleBytesPerDay || (r.state !== null && r.state !== 'available')) return null;
    const hourly = price(context.prices.natGatewayHourly(r.region));
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Idle: at most ${fmt(gib(bytes.maximum!), 2)} GiB a day out to destinations over ${bytes.days} days (idle below ${fmt(gib(context.settings.natIdleBytesPerDay), 2)} GiB).`,
      current: { summary: `NAT gateway in ${str(r, 'subnetId') ?? 'its subnet'}`, config: { state: 'available', subnetId: str(r, 'subnetId') } },
      recommended: { summary: 'deleted', config: { state: 'deleted' } },
      pricing: priceItems([{ resourceId: r.resourceId, service: 'AmazonEC2', currentList: hourly === null ? null : monthlyFromHourly(hourly), recommendedList: 0n }], r.region, context),
      actions: [
        `Find the route tables that send 0.0.0.0/0 to ${r.resourceId} (DescribeRouteTables) and remove those routes, or point them at another NAT gateway`,
        `Delete the NAT gateway (DeleteNatGateway ${r.resourceId}) and release its Elastic IP`,
        'Create a new NAT gateway and restore the routes to roll back',
      ],
    });
  },
};

export const NETWORK_RULES: readonly Rule[] = [eipUnassociated, eipOnStoppedInstance, lbIdle, natIdle];
