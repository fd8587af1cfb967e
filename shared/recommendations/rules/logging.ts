/** CloudWatch log groups. */
import { quantity, times } from '../calc.js';
import { makeFinding, priceItems, subjectOf } from '../finding.js';
import type { Rule } from '../model.js';
import { ageDays, fmt, gib, num, price } from './common.js';

/** The retention recommended for a log group that keeps everything forever. */
export const RECOMMENDED_RETENTION_DAYS = 90;

const logGroupNoRetention: Rule = {
  scope: 'resource',
  definition: {
    id: 'log-group-no-retention',
    title: 'Set a retention on log groups that never expire',
    category: 'logging',
    pillar: 'cost-optimization',
    resourceType: 'log-group',
    actionType: 'SetRetention',
    risk: 'low',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: false,
    description: `A log group with no retention (Never expire) older than ${RECOMMENDED_RETENTION_DAYS} days keeps every event forever. A ${RECOMMENDED_RETENTION_DAYS}-day retention (or what compliance needs) deletes the rest; deleted events cannot be restored.`,
    savingsMethod: `Stored GiB x (1 - ${RECOMMENDED_RETENTION_DAYS} / the group's age in days, assuming steady ingestion) x logs storage price per GiB-month.`,
  },
  evaluate(g, context) {
    const stored = num(g, 'storedBytes');
    const age = ageDays(g.createdAt, context.today);
    if (g.config.retentionInDays !== null || stored === null || stored <= 0 || age === null || age <= RECOMMENDED_RETENTION_DAYS) return null;
    const p = price(context.prices.logsMonthlyPerGiBStored(g.region));
    const storedGiB = gib(stored);
    const keptGiB = (storedGiB * RECOMMENDED_RETENTION_DAYS) / age;
    return makeFinding(this.definition, subjectOf(g), {
      reason: `Never expires: ${fmt(storedGiB, 1)} GiB stored over ${age} days; a ${RECOMMENDED_RETENTION_DAYS}-day retention keeps about ${fmt(keptGiB, 1)} GiB.`,
      current: { summary: `no retention, ${fmt(storedGiB, 1)} GiB stored`, config: { retentionInDays: null } },
      recommended: { summary: `${RECOMMENDED_RETENTION_DAYS}-day retention, about ${fmt(keptGiB, 1)} GiB stored`, config: { retentionInDays: RECOMMENDED_RETENTION_DAYS } },
      pricing: priceItems(
        [{ resourceId: g.resourceId, service: 'AmazonCloudWatch', currentList: p === null ? null : times(p, quantity(storedGiB)), recommendedList: p === null ? null : times(p, quantity(keptGiB)), useBilledCost: false }],
        g.region,
        context,
      ),
      actions: [`Export events older than ${RECOMMENDED_RETENTION_DAYS} days to S3 if they must be kept (CreateExportTask)`, `Set the retention of ${g.name ?? g.resourceId} to ${RECOMMENDED_RETENTION_DAYS} days (PutRetentionPolicy)`],
    });
  },
};

export const LOGGING_RULES: readonly Rule[] = [logGroupNoRetention];
