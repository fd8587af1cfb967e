import { describe, expect, it } from 'vitest';
import { extract, periodsIn } from '#functions/assistant/extract.js';

const TODAY = '2026-11-19'; // a Thursday
const vocab = {
  services: ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service', 'Amazon Relational Database Service', 'AWS Lambda', 'Amazon DynamoDB'],
  accounts: [
    { key: '318274650192', name: 'demo-prod' },
    { key: '427183920465', name: 'demo-staging' },
  ],
};
const x = (q: string) => extract(q, TODAY, vocab);

describe('periods', () => {
  it.each([
    ['last month', '2026-10-01', '2026-11-01'],
    ['this month', '2026-11-01', '2026-11-20'],
    ['this week', '2026-11-16', '2026-11-20'],
    ['last week', '2026-11-09', '2026-11-16'],
    ['the last 30 days', '2026-10-21', '2026-11-20'],
    ['yesterday', '2026-11-18', '2026-11-19'],
    ['q3', '2026-07-01', '2026-10-01'],
    ['q4 2025', '2025-10-01', '2026-01-01'],
    ['2026-03', '2026-03-01', '2026-04-01'],
    ['october', '2026-10-01', '2026-11-01'],
    ['december', '2025-12-01', '2026-01-01'],
    ['last quarter', '2026-07-01', '2026-10-01'],
    ['this year', '2026-01-01', '2026-11-20'],
    ['in 2025', '2025-01-01', '2026-01-01'],
  ])('%s -> [%s, %s)', (q, start, end) => {
    expect(periodsIn(q, TODAY)[0]).toMatchObject({ start, end });
  });

  it('a Q that has not started yet this year is last year\'s', () => {
    expect(periodsIn('q4', '2026-05-10')[0]).toMatchObject({ start: '2025-10-01', end: '2026-01-01' });
  });

  it('reads two periods in order for a comparison', () => {
    expect(periodsIn('compare september vs october', TODAY).map((p) => p.start)).toEqual(['2026-09-01', '2026-10-01']);
  });
});

describe('the issue\'s questions', () => {
  it('what did we spend on EC2 last month', () => {
    const { intent, entities } = x('What did we spend on EC2 last month?');
    expect(intent).toBe('spend');
    expect(entities.services).toEqual(['Amazon Elastic Compute Cloud']);
    expect(entities.periods[0]).toMatchObject({ start: '2026-10-01', end: '2026-11-01' });
  });

  it('why did costs go up this week', () => {
    const { intent, entities } = x('Why did costs go up this week?');
    expect(intent).toBe('why');
    expect(entities.periods[0]).toMatchObject({ start: '2026-11-16' });
  });

  it('top 5 services in eu-west-1 in Q3', () => {
    const { intent, entities } = x('top 5 services in eu-west-1 in Q3');
    expect(intent).toBe('breakdown');
    expect(entities).toMatchObject({ top: 5, groupBy: 'service', regions: ['eu-west-1'] });
    expect(entities.periods[0]).toMatchObject({ start: '2026-07-01', end: '2026-10-01' });
  });

  it('how much can we save on storage', () => {
    expect(x('How much can we save on storage?')).toMatchObject({ intent: 'savings', entities: { category: 'storage' } });
  });

  it('are we going to exceed the prod budget', () => {
    expect(x('Are we going to exceed the prod budget?')).toMatchObject({ intent: 'budget', entities: { budgetName: 'prod' } });
  });
});

describe('entities', () => {
  it('matches services by alias and by name, accounts by name or id, tags as key=value', () => {
    const { entities } = x('S3 and rds and AWS Lambda spend in demo-prod and 427183920465 for env=prod');
    expect(entities.services.sort()).toEqual(['AWS Lambda', 'Amazon Relational Database Service', 'Amazon Simple Storage Service']);
    expect(entities.accounts.sort()).toEqual(['318274650192', '427183920465']);
    expect(entities.tags).toEqual({ env: ['prod'] });
  });

  it('only the tenant\'s own services: an alias of a service it does not use matches nothing', () => {
    expect(x('what did we spend on redshift last month').entities.services).toEqual([]);
  });

  it('reads top-N in words and groupings', () => {
    expect(x('the three most expensive accounts this month').entities).toMatchObject({ top: 3, groupBy: 'account' });
    expect(x('cost by team last month')).toMatchObject({ intent: 'breakdown', entities: { groupBy: 'tag:team' } });
    expect(x('top 10 resources last month')).toMatchObject({ intent: 'resources', entities: { top: 10 } });
  });

  it('answers with help when nothing is recognized', () => {
    expect(x('tell me a joke').intent).toBe('help');
  });
});
