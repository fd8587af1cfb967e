import { checkGrounding } from '#shared/assistant/grounding.js';
import type { Answer, AskInput, Source } from '#shared/assistant/model.js';
import { runTool, type AssistantTool } from '#shared/assistant/tools.js';
import type { AssistantToolName } from '#shared/assistant/constants.js';
import { addDays } from '#shared/costs/dates.js';
import { parseDecimal } from '#shared/money.js';
import { extract, isFollowUp, mergeFollowUp, type Entities, type Period, type Vocabulary } from './extract.js';

/**
 * The local engine: answers without a model, where Bedrock is not configured (locally, or a
 * customer without Bedrock access). It reads the question (extract.ts), calls the same tools the
 * Bedrock engine would, and writes the answer from their results only, so every number it states
 * is one a tool returned (the grounding check runs on it all the same).
 */
export interface LocalEngineDeps {
  tools: ReadonlyMap<AssistantToolName, AssistantTool>;
  /** The tenant's service and account names, for matching "EC2" or "demo-prod" in a question. */
  vocabulary: () => Promise<Vocabulary>;
}

/** An exact decimal as money: "$1,234.57" (USD) or "1,234.57 EUR", rounded half up to cents. */
export function formatMoney(amount: string, currency = 'USD'): string {
  const v = parseDecimal(amount);
  const negative = v < 0n;
  const cents = ((negative ? -v : v) + 5_000_000_000n) / 10_000_000_000n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
  const sign = negative ? '-' : '';
  return currency === 'USD' ? `${sign}$${text}` : `${sign}${text} ${currency}`;
}

const pct = (p: string | null) => (p === null ? null : `${p}%`);
const range = (start: string, end: string) => `${start} to ${addDays(end, -1)}`;
const up = (amount: string) => (parseDecimal(amount) >= 0n ? 'up' : 'down');
const abs = (amount: string) => amount.replace(/^-/, '');

const HELP = [
  "I can answer questions about this organization's own cloud costs, for example:",
  '- "What did we spend on EC2 last month?" (any service, account, region or tag, any period: this week, last month, Q3, the last 7 days, 2026-10)',
  '- "Top 5 services in eu-west-1 in Q3" or "cost by account this month"',
  '- "Why did costs go up this week?" (the biggest movers and the anomalies detected)',
  '- "What are our most expensive resources?"',
  '- "Are we going to exceed the budget?" and "What is the forecast for this month?"',
  '- "How much can we save on storage?" (open recommendations)',
].join('\n');

type Data = Record<string, any>;

export class LocalEngine {
  constructor(private readonly deps: LocalEngineDeps) {}

  async ask(input: AskInput): Promise<Answer> {
    const vocab = await this.deps.vocabulary();
    let reading = extract(input.question, input.today, vocab);
    const previous = input.history.at(-1);
    if (previous && isFollowUp(input.question)) reading = mergeFollowUp(extract(previous.question, input.today, vocab), reading);
    const { intent, entities } = reading;
    const sources: Source[] = [];
    const results: unknown[] = [];
    const call = async (name: AssistantToolName, params: Record<string, unknown>): Promise<Data | null> => {
      if (!this.deps.tools.has(name)) return null;
      const outcome = await runTool(this.deps.tools, name, params);
      if (outcome.source) sources.push(outcome.source);
      results.push(outcome.data);
      return outcome.ok ? (outcome.data as Data) : null;
    };
    const lines: string[] = [];
    const failed = () => sources.some((s) => s.error) && lines.push(`(Some data could not be read: ${sources.filter((s) => s.error).map((s) => s.error).join('; ')}.)`);

    const filters = filtersOf(entities);
    const scope = describeScope(entities, vocab);
    const period = entities.periods[0] ?? null;
    const periodParams = (p: Period | null) => (p ? { start: p.start, end: p.end } : {});

    switch (intent) {
      case 'spend': {
        const tagKeys = Object.keys(entities.tags);
        if (tagKeys.length) {
          // Tag spend is stored per tag, not per service: the breakdown by that tag answers it exactly.
          const b = await call('cost_breakdown', { ...periodParams(period), filters, groupBy: `tag:${tagKeys[0]}`, top: 10 });
          if (b) lines.push(`${cap(period?.label ?? 'This month')}${scope} (${range(b.start, b.end)}), spend was ${formatMoney(b.total, b.currency)} (${b.metric} cost).`);
          break;
        }
        const o = await call('cost_overview', { ...periodParams(period), filters });
        if (o) {
          lines.push(`${cap(period?.label ?? 'This month')}${scope} (${range(o.start, o.end)}), spend was ${formatMoney(o.total, o.currency)} (${o.metric} cost).`);
          lines.push(changeLine(o));
          if (entities.services.length === 0 && o.topMovers.length) lines.push(moversLine(o));
        }
        break;
      }
      case 'breakdown': {
        const groupBy = entities.groupBy ?? 'service';
        const dims = groupBy.startsWith('tag:') ? groupBy.slice(4) : groupBy;
        const b = await call('cost_breakdown', { ...periodParams(period), filters, groupBy, top: entities.top ?? 10 });
        if (b) {
          lines.push(`${entities.top ? (b.rows.length > 1 ? `Top ${b.rows.length}` : 'Top') : 'Spend by'} ${plural(dims)}${scope}, ${range(b.start, b.end)} (${formatMoney(b.total, b.currency)} in total):`);
          b.rows.forEach((r: Data, i: number) => lines.push(`${i + 1}. ${r.name}: ${formatMoney(r.amount, b.currency)}${r.share !== null ? ` (${pct(r.share)})` : ''}`));
          if (b.other) lines.push(`Everything else (${b.other.count} more): ${formatMoney(b.other.amount, b.currency)}.`);
          if (b.rows.length === 0) lines.push('No spend in that period.');
        }
        break;
      }
      case 'resources': {
        const t = await call('top_resources', { ...periodParams(period ?? lastMonth(input.today)), filters, limit: entities.top ?? 5 });
        if (t) {
          lines.push(`The most expensive resources${scope} in ${t.periods.join(', ')} (${formatMoney(t.total, t.currency)} attributed to resources):`);
          t.items.forEach((r: Data, i: number) => lines.push(`${i + 1}. ${r.resourceId} (${r.service}, ${r.account}, ${r.region || 'global'}): ${formatMoney(r.amount, t.currency)}${r.share !== null ? ` (${pct(r.share)})` : ''}`));
          if (t.items.length === 0) lines.push('No resource-level spend in that period.');
        }
        break;
      }
      case 'compare': {
        // Two periods named: those, earlier first; one: it against the same number of days before it.
        const named = [...entities.periods].slice(0, 2).sort((x, y) => (x.start < y.start ? -1 : 1));
        const b = named.at(-1) ?? period ?? thisMonth(input.today);
        const a = named.length >= 2 ? named[0]! : { start: addDays(b.start, -(dayCount(b) || 1)), end: b.start, label: 'the period before' };
        const c = await call('compare_periods', { a: { start: a.start, end: a.end }, b: { start: b.start, end: b.end }, filters });
        if (c) {
          lines.push(`${cap(a.label)}${scope} (${range(c.a.start, c.a.end)}): ${formatMoney(c.a.total, c.currency)}.`);
          lines.push(`${cap(b.label)}${scope} (${range(c.b.start, c.b.end)}): ${formatMoney(c.b.total, c.currency)}.`);
          lines.push(`${cap(b.label)} is ${up(c.change.amount)} ${formatMoney(abs(c.change.amount), c.currency)}${c.change.percent !== null ? ` (${pct(abs(c.change.percent))})` : ''} on ${a.label}.`);
          const moved = c.movers.filter((m: Data) => parseDecimal(m.change) !== 0n).slice(0, 3);
          if (moved.length) lines.push(`Biggest changes: ${moved.map((m: Data) => `${m.name} ${parseDecimal(m.change) >= 0n ? '+' : '-'}${formatMoney(abs(m.change), c.currency)} (${formatMoney(m.a, c.currency)} to ${formatMoney(m.b, c.currency)})`).join('; ')}.`);
        }
        break;
      }
      case 'why':
      case 'anomalies': {
        // "Why did costs go up this week": the last 7 full days (billing data lags a day, and on a Monday
        // the calendar week has none yet) against the 7 before.
        const p = intent === 'why' && (!period || period.label === 'this week') ? lastSevenDays(input.today) : period;
        if (intent === 'why' && p) {
          const o = await call('cost_overview', { ...periodParams(p), filters });
          if (o) {
            const rising = parseDecimal(o.change.amount) > 0n;
            lines.push(`${cap(p.label)}${scope} (${range(o.start, o.end)}) spend was ${formatMoney(o.total, o.currency)}, ${up(o.change.amount)} ${formatMoney(abs(o.change.amount), o.currency)}${o.change.percent !== null ? ` (${pct(abs(o.change.percent))})` : ''} on the same number of days before (${formatMoney(o.previous.total, o.currency)}).${rising ? '' : ' Costs did not go up over that period.'}`);
            if (o.topMovers.length) lines.push(moversLine(o));
          }
        }
        const since = p ? addDays(p.start, -7) : undefined;
        const an = await call('anomalies', { ...(since ? { start: since } : {}), limit: 5 });
        if (an) {
          if (an.items.length === 0) lines.push(p ? `No cost anomalies were detected since ${since}.` : 'No cost anomalies have been detected.');
          else {
            lines.push(`${p ? `Anomalies detected since ${since}` : 'The latest anomalies'}:`);
            for (const a of an.items) lines.push(`- ${a.series}, ${a.startDate}${a.endDate !== a.startDate ? ` to ${a.endDate}` : ''} (${a.severity}, ${a.status}): ${formatMoney(a.impact, a.currency)} above expected. Root cause: ${a.rootCause}`);
          }
        }
        break;
      }
      case 'forecast': {
        const f = await call('forecast', { horizon: /quarter/i.test(input.question) ? 'quarter' : 'month', filters });
        if (f) {
          lines.push(`${f.month.period}${scope}: ${formatMoney(f.month.actual, f.currency)} so far; the forecast for the whole month is ${formatMoney(f.month.forecast, f.currency)} (likely between ${formatMoney(f.month.lower80, f.currency)} and ${formatMoney(f.month.upper80, f.currency)}), data through ${f.dataThrough ?? 'no data yet'}.`);
          if (f.horizon === 'quarter') lines.push(`From ${f.start} to the end of the quarter: ${formatMoney(f.total.forecast, f.currency)} more is forecast.`);
        }
        break;
      }
      case 'budget': {
        let b = await call('budgets', entities.budgetName ? { name: entities.budgetName } : {});
        if (b && b.items.length === 0 && entities.budgetName) {
          lines.push(`No budget's name contains "${entities.budgetName}". All budgets:`);
          b = await call('budgets', {});
        }
        if (b) {
          if (b.items.length === 0) lines.push('There are no budgets yet.');
          for (const x of b.items) {
            const c = x.current;
            const over = parseDecimal(c.forecast) > parseDecimal(x.amount);
            lines.push(
              `- ${x.name} (${x.period}, ${formatMoney(x.amount, x.currency)} for ${c.label}): ${formatMoney(c.spent, x.currency)} spent${c.spentPercent !== null ? ` (${pct(c.spentPercent)})` : ''}, ${formatMoney(c.forecast, x.currency)} forecast for the period${c.forecastPercent !== null ? ` (${pct(c.forecastPercent)})` : ''}: ${over ? 'yes, it is forecast to exceed the budget' : 'no, it is forecast to stay within the budget'} (status ${c.status.replace('_', ' ')}).`,
            );
          }
        }
        const f = await call('forecast', { horizon: 'month' });
        if (f) lines.push(`All spend this month (${f.month.period}) is forecast at ${formatMoney(f.month.forecast, f.currency)} (likely between ${formatMoney(f.month.lower80, f.currency)} and ${formatMoney(f.month.upper80, f.currency)}).`);
        break;
      }
      case 'savings': {
        if (!this.deps.tools.has('recommendations_summary')) {
          lines.push('Recommendations are not available here yet.');
          break;
        }
        const s = await call('recommendations_summary', {});
        const category = entities.category;
        if (s) {
          if (category) {
            const c = s.byCategory.find((g: Data) => g.key === category);
            lines.push(c ? `Open ${category} recommendations could save up to ${formatMoney(c.monthlySavings)} a month (${c.count} recommendations, some may be alternatives for the same resource).` : `There are no open ${category} recommendations.`);
          }
          lines.push(
            `${category ? 'Across everything, ' : ''}${s.open.count} open recommendations could save ${formatMoney(s.open.deduplicatedMonthlySavings)} a month (${formatMoney(s.open.deduplicatedAnnualSavings)} a year), counting each resource once; ${formatMoney(s.open.monthlySavings)} if every recommendation were added up.`,
          );
          if (!category && s.byCategory.length) lines.push(`By category: ${s.byCategory.map((g: Data) => `${g.key} ${formatMoney(g.monthlySavings)}`).join(', ')}.`);
        }
        const list = await call('recommendations', { ...(category ? { category } : {}), limit: entities.top ?? 5 });
        if (list?.items.length) {
          lines.push('The largest:');
          for (const r of list.items) lines.push(`- ${r.title}: ${r.resourceName ?? r.resourceId} (${r.region || 'global'}), ${formatMoney(r.estimatedMonthlySavings)} a month. ${r.reason}`);
        }
        break;
      }
      case 'help':
        lines.push(HELP);
        break;
    }
    failed();
    if (lines.length === 0) lines.push(HELP);
    const text = lines.filter(Boolean).join('\n');
    const { ungrounded } = checkGrounding(text, results, input.question);
    return { text, engine: 'local', sources, ungrounded: ungrounded.map((m) => m.raw), usage: { inputTokens: 0, outputTokens: 0 } };
  }
}

function filtersOf(e: Entities): Record<string, unknown> | undefined {
  const f: Record<string, unknown> = {};
  if (e.services.length) f.service = e.services;
  if (e.accounts.length) f.account = e.accounts;
  if (e.regions.length) f.region = e.regions;
  if (Object.keys(e.tags).length) f.tags = e.tags;
  return Object.keys(f).length ? f : undefined;
}

function describeScope(e: Entities, vocab: Vocabulary): string {
  const parts: string[] = [];
  if (e.services.length) parts.push(`on ${e.services.length > 2 ? `${e.services.slice(0, -1).join(', ')} and ${e.services.at(-1)}` : e.services.join(' and ')}`);
  if (e.accounts.length) parts.push(`in account ${e.accounts.map((a) => vocab.accounts.find((x) => x.key === a)?.name ?? a).join(' or ')}`);
  if (e.regions.length) parts.push(`in ${e.regions.join(' or ')}`);
  for (const [k, v] of Object.entries(e.tags)) parts.push(`tagged ${k}=${v.join(' or ')}`);
  return parts.length ? ` ${parts.join(', ')}` : '';
}

function changeLine(o: Data): string {
  if (parseDecimal(o.previous.total) === 0n) return `There was no spend in the period before (${range(o.previous.start, o.previous.end)}).`;
  return `That is ${up(o.change.amount)} ${formatMoney(abs(o.change.amount), o.currency)}${o.change.percent !== null ? ` (${pct(abs(o.change.percent))})` : ''} on the period before (${range(o.previous.start, o.previous.end)}: ${formatMoney(o.previous.total, o.currency)}).`;
}

function moversLine(o: Data): string {
  return `Biggest movers: ${o.topMovers
    .slice(0, 3)
    .map((m: Data) => `${m.service} ${parseDecimal(m.change.amount) >= 0n ? '+' : '-'}${formatMoney(abs(m.change.amount), o.currency)} (${formatMoney(m.current, o.currency)} against ${formatMoney(m.previous, o.currency)})`)
    .join('; ')}.`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const plural = (d: string) => (d.endsWith('s') ? d : `${d.replace(/y$/, 'ie')}s`);
const lastMonth = (today: string): Period => {
  const month = today.slice(0, 7);
  const prev = new Date(`${month}-01T00:00:00Z`);
  prev.setUTCMonth(prev.getUTCMonth() - 1);
  const p = prev.toISOString().slice(0, 7);
  return { start: `${p}-01`, end: `${month}-01`, label: 'last month' };
};
const dayCount = (p: Period) => Math.round((Date.parse(p.end) - Date.parse(p.start)) / 86_400_000);
const thisMonth = (today: string): Period => ({ start: `${today.slice(0, 7)}-01`, end: addDays(today, 1), label: 'this month' });
const lastSevenDays = (today: string): Period => ({ start: addDays(today, -7), end: today, label: 'the last 7 days' });
