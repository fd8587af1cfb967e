/** Lambda functions: memory, architecture. */
import type { InventoryResource } from '../../inventory/model.js';
import { HOURS, quantity, times } from '../calc.js';
import { makeFinding, priceItems, subjectOf } from '../finding.js';
import type { Rule, RuleContext } from '../model.js';
import { fmt, metric, num, price, str } from './common.js';

const LAMBDA = 'AWSLambda';
/** Memory recommendation: the peak used x this headroom, rounded up to 64 MB, at least 128 MB. */
export const LAMBDA_MEMORY_HEADROOM = 1.5;
/** Runtimes without arm64 support. */
const X86_ONLY_RUNTIMES = new Set(['go1.x', 'provided', 'dotnetcore3.1', 'nodejs12.x', 'python3.7', 'ruby2.7']);

/** Average GB-seconds a day over the window: sum over days of invocations x average duration x memory. */
function dailyGbSeconds(r: InventoryResource, memoryMb: number): { gbSeconds: number; days: number } | null {
  const invocations = metric(r, 'invocations');
  const duration = metric(r, 'duration');
  if (!invocations || !duration) return null;
  let total = 0;
  let days = 0;
  invocations.daily.forEach((count, i) => {
    if (count === null) return;
    days++;
    total += count * ((duration.daily[i] ?? duration.average!) / 1000) * (memoryMb / 1024);
  });
  return days ? { gbSeconds: total / days, days } : null;
}

/** Monthly compute price (GB-seconds x price per GB-second) of the same invocations at `memoryMb` on `arch`. */
function computeMonthly(gbSecondsPerDay: number, r: InventoryResource, arch: 'x86_64' | 'arm64', context: RuleContext): bigint | null {
  const p = price(context.prices.lambdaGbSecond(arch, r.region));
  return p === null ? null : times(p, quantity((gbSecondsPerDay * HOURS.month) / HOURS.day, 3));
}

const lambdaMemory: Rule = {
  scope: 'resource',
  definition: {
    id: 'lambda-memory-overprovisioned',
    title: 'Reduce overprovisioned Lambda memory',
    category: 'serverless',
    pillar: 'cost-optimization',
    resourceType: 'lambda-function',
    actionType: 'Rightsize',
    risk: 'medium',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: true,
    description: `A function whose peak memory use (Lambda Insights memory_utilization, daily maximum) stays below the tenant's threshold (default 50%) of its configured memory gets the peak x ${LAMBDA_MEMORY_HEADROOM}, rounded up to 64 MB. CPU scales with memory, so durations may grow: medium risk.`,
    savingsMethod: 'Monthly GB-seconds (daily invocations x average duration x memory, x 730/24) x price per GB-second, at the current minus the recommended memory, assuming durations stay the same.',
  },
  evaluate(r, context) {
    const memoryMb = num(r, 'memorySizeMb');
    const used = metric(r, 'memoryUtilization');
    if (memoryMb === null || !used || used.maximum! >= context.settings.lambdaMemoryUsedPercent) return null;
    const peakMb = (memoryMb * used.maximum!) / 100;
    const target = Math.max(128, Math.ceil((peakMb * LAMBDA_MEMORY_HEADROOM) / 64) * 64);
    const usage = dailyGbSeconds(r, memoryMb);
    const arch = (str(r, 'architecture') ?? 'x86_64') as 'x86_64' | 'arm64';
    if (target >= memoryMb || !usage) return null;
    const current = computeMonthly(usage.gbSeconds, r, arch, context);
    const after = computeMonthly((usage.gbSeconds * target) / memoryMb, r, arch, context);
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Peak memory use ${fmt(used.maximum!)}% of ${memoryMb} MB (about ${fmt(peakMb, 0)} MB) over ${used.days} days (threshold ${context.settings.lambdaMemoryUsedPercent}%); ${target} MB keeps ${LAMBDA_MEMORY_HEADROOM}x headroom. ${fmt(usage.gbSeconds, 0)} GB-s a day.`,
      current: { summary: `${memoryMb} MB ${arch}`, config: { memorySizeMb: memoryMb } },
      recommended: { summary: `${target} MB ${arch}`, config: { memorySizeMb: target } },
      pricing: priceItems([{ resourceId: r.resourceId, service: LAMBDA, currentList: current, recommendedList: after, useBilledCost: false }], r.region, context),
      actions: [`Set the memory of ${r.name ?? r.resourceId} to ${target} MB (UpdateFunctionConfiguration)`, 'Watch Duration and errors for a week', `Set it back to ${memoryMb} MB to roll back`],
    });
  },
};

const lambdaArm64: Rule = {
  scope: 'resource',
  definition: {
    id: 'lambda-arm64',
    title: 'Run Lambda functions on arm64 (Graviton)',
    category: 'serverless',
    pillar: 'sustainability',
    resourceType: 'lambda-function',
    actionType: 'MigrateToGraviton',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: 'An x86_64 function on a runtime that supports arm64. arm64 GB-seconds cost about 20% less; native dependencies must be rebuilt for arm64.',
    savingsMethod: 'Monthly GB-seconds (daily invocations x average duration x memory, x 730/24) x (x86_64 minus arm64 price per GB-second), assuming durations stay the same.',
  },
  evaluate(r, context) {
    const memoryMb = num(r, 'memorySizeMb');
    const runtime = str(r, 'runtime');
    if ((str(r, 'architecture') ?? 'x86_64') !== 'x86_64' || memoryMb === null || !runtime || X86_ONLY_RUNTIMES.has(runtime)) return null;
    const usage = dailyGbSeconds(r, memoryMb);
    if (!usage) return null;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `${runtime} on x86_64; ${fmt(usage.gbSeconds, 0)} GB-s a day over ${usage.days} days would cost less on arm64.`,
      current: { summary: `${memoryMb} MB x86_64`, config: { architecture: 'x86_64' } },
      recommended: { summary: `${memoryMb} MB arm64`, config: { architecture: 'arm64' } },
      pricing: priceItems(
        [{ resourceId: r.resourceId, service: LAMBDA, currentList: computeMonthly(usage.gbSeconds, r, 'x86_64', context), recommendedList: computeMonthly(usage.gbSeconds, r, 'arm64', context), useBilledCost: false }],
        r.region,
        context,
      ),
      actions: ['Rebuild native dependencies and layers for arm64', `Update the function's architecture to arm64 (UpdateFunctionCode --architectures arm64) and publish a version`, 'Shift the alias gradually; shift back to roll back'],
    });
  },
};

export const SERVERLESS_RULES: readonly Rule[] = [lambdaMemory, lambdaArm64];
