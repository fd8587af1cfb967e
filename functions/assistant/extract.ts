import { addDays, addMonths, dayNumber, periodOf } from '#shared/costs/dates.js';

/**
 * The local engine's reading of a question: what is asked (intent) and about what (periods,
 * services, accounts, regions, tags, top-N, grouping, recommendation category, budget name).
 * Services and accounts are matched against the tenant's own names (the vocabulary), by name or
 * by a common alias (EC2, S3, RDS...).
 */
export interface Period {
  start: string;
  /** Exclusive. */
  end: string;
  label: string;
}

export type Intent = 'savings' | 'budget' | 'forecast' | 'why' | 'anomalies' | 'resources' | 'compare' | 'breakdown' | 'spend' | 'help';

export interface Entities {
  periods: Period[];
  services: string[];
  accounts: string[];
  regions: string[];
  tags: Record<string, string[]>;
  top: number | null;
  groupBy: string | null;
  category: string | null;
  budgetName: string | null;
}

export interface Vocabulary {
  services: readonly string[];
  accounts: ReadonlyArray<{ key: string; name: string }>;
}

export interface Extraction {
  intent: Intent;
  entities: Entities;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const NUMBER_WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twenty: 20 };

/** Aliases people use for AWS services -> a pattern over the billing's ServiceName. */
const SERVICE_ALIASES: Array<[RegExp, RegExp]> = [
  [/\bec2\b/, /elastic compute cloud|\bec2\b/i],
  [/\bs3\b/, /simple storage service|\bs3\b/i],
  [/\brds\b/, /relational database service|\brds\b/i],
  [/\bebs\b/, /elastic block store|\bebs\b/i],
  [/\blambda\b/, /lambda/i],
  [/\bdynamo(?:db)?\b/, /dynamodb/i],
  [/\bcloudfront\b|\bcdn\b/, /cloudfront/i],
  [/\bvpc\b|\bnat gateways?\b/, /virtual private cloud/i],
  [/\belb\b|\balb\b|\bload balanc(?:er|ers|ing)\b/, /load balancing/i],
  [/\bcloudwatch\b/, /cloudwatch/i],
  [/\beks\b|\bkubernetes\b/, /kubernetes/i],
  [/\becs\b/, /elastic container service/i],
  [/\becr\b/, /container registry/i],
  [/\bsqs\b/, /queue service/i],
  [/\bsns\b/, /notification service/i],
  [/\bkms\b/, /key management/i],
  [/\broute ?53\b/, /route 53/i],
  [/\bapi gateway\b/, /api gateway/i],
  [/\bstep functions?\b/, /step functions/i],
  [/\bathena\b/, /athena/i],
  [/\bglue\b/, /\bglue\b/i],
  [/\bredshift\b/, /redshift/i],
  [/\bopensearch\b|\belasticsearch\b/, /opensearch/i],
  [/\belasticache\b|\bredis\b/, /elasticache/i],
  [/\bkinesis\b/, /kinesis/i],
  [/\bsecrets manager\b/, /secrets manager/i],
  [/\bdata transfer\b/, /data transfer/i],
  [/\bsavings plans?\b/, /savings plans/i],
];

const CATEGORY_WORDS: Array<[RegExp, string]> = [
  [/\bstorage\b|\bvolumes?\b|\bsnapshots?\b|\bbuckets?\b/, 'storage'],
  [/\bcompute\b|\binstances?\b|\bservers?\b/, 'compute'],
  [/\bnetwork(?:ing)?\b|\bnat\b|\belastic ips?\b/, 'network'],
  [/\bdatabases?\b|\brds\b/, 'database'],
  [/\bserverless\b|\blambda\b/, 'serverless'],
  [/\blog(?:s|ging)?\b/, 'logging'],
  [/\bcommitments?\b|\bsavings plans?\b|\breserv(?:ed|ations?)\b/, 'commitments'],
];

const GROUP_WORDS: Array<[RegExp, string]> = [
  [/\bservices?\b/, 'service'],
  [/\baccounts?\b/, 'account'],
  [/\bregions?\b/, 'region'],
  [/\busage ?types?\b/, 'usageType'],
  [/\bteams?\b/, 'tag:team'],
  [/\bcost[ -]?cent(?:er|re)s?\b/, 'tag:cost-center'],
  [/\benv(?:ironment)?s?\b/, 'tag:env'],
];

const monthRange = (period: string, label?: string): Period => ({ start: `${period}-01`, end: `${addMonths(period, 1)}-01`, label: label ?? period });

function quarter(n: number, year: number): Period {
  const first = `${year}-${String(3 * n - 2).padStart(2, '0')}`;
  return { start: `${first}-01`, end: `${addMonths(first, 3)}-01`, label: `Q${n} ${year}` };
}

/** Every period the question names, in the order written. */
export function periodsIn(q: string, today: string): Period[] {
  const found: Array<{ at: number; period: Period }> = [];
  const add = (at: number, period: Period) => found.push({ at, period });
  const month = periodOf(today);
  const year = Number(today.slice(0, 4));
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const monday = addDays(today, -weekday);
  const tomorrow = addDays(today, 1);
  const rules: Array<[RegExp, (m: RegExpExecArray) => Period | null]> = [
    [/\b(?:last|previous|past) month\b|\bmonth before\b/g, () => monthRange(addMonths(month, -1), 'last month')],
    [/\bthis month\b|\bmonth to date\b|\bmtd\b|\bso far this month\b|\bcurrent month\b/g, () => ({ start: `${month}-01`, end: tomorrow, label: 'this month' })],
    [/\bthis week\b|\bweek to date\b|\bcurrent week\b/g, () => ({ start: monday, end: tomorrow, label: 'this week' })],
    [/\b(?:last|previous|past) week\b/g, () => ({ start: addDays(monday, -7), end: monday, label: 'last week' })],
    [/\b(?:last|past|previous) (\d{1,3}|[a-z]+) days\b/g, (m) => {
      const n = Number(m[1]) || NUMBER_WORDS[m[1]!];
      return n ? { start: addDays(today, -n + 1), end: tomorrow, label: `the last ${n} days` } : null;
    }],
    [/\byesterday\b/g, () => ({ start: addDays(today, -1), end: today, label: 'yesterday' })],
    [/\btoday\b/g, () => ({ start: today, end: tomorrow, label: 'today' })],
    [/\bq([1-4])(?:\s*(?:of\s*)?(\d{4}))?\b/g, (m) => {
      const n = Number(m[1]);
      let y = m[2] ? Number(m[2]) : year;
      if (!m[2] && quarter(n, y).start > today) y -= 1;
      return quarter(n, y);
    }],
    [/\b(?:last|previous) quarter\b/g, () => {
      const current = Math.floor((Number(month.slice(5)) - 1) / 3) + 1;
      return current === 1 ? quarter(4, year - 1) : quarter(current - 1, year);
    }],
    [/\bthis quarter\b|\bquarter to date\b/g, () => {
      const q = quarter(Math.floor((Number(month.slice(5)) - 1) / 3) + 1, year);
      return { ...q, end: tomorrow };
    }],
    [/\bthis year\b|\byear to date\b|\bytd\b/g, () => ({ start: `${year}-01-01`, end: tomorrow, label: `${year} to date` })],
    [/\blast year\b/g, () => ({ start: `${year - 1}-01-01`, end: `${year}-01-01`, label: `${year - 1}` })],
    [/\b(\d{4})-(0[1-9]|1[0-2])\b(?!-\d)/g, (m) => monthRange(`${m[1]}-${m[2]}`)],
    [new RegExp(`\\b${MONTH_RE}\\b(?:\\s+(\\d{4}))?`, 'g'), (m) => {
      const idx = MONTHS.findIndex((name) => name.startsWith(m[1]!.slice(0, 3)));
      if (idx < 0) return null;
      // "may" is also a verb: only as a month when followed by a year or preceded by in/for/of.
      if (m[1] === 'may' && !m[2] && !/\b(?:in|for|of|during|since)\s+$/.test(q.slice(0, m.index))) return null;
      let y = m[2] ? Number(m[2]) : year;
      const period = `${y}-${String(idx + 1).padStart(2, '0')}`;
      if (!m[2] && period > month) y -= 1;
      return monthRange(`${y}-${String(idx + 1).padStart(2, '0')}`);
    }],
    [/\b(?:in|for|during) (20\d{2})\b(?![-\d])/g, (m) => ({ start: `${m[1]}-01-01`, end: `${Number(m[1]) + 1}-01-01`, label: m[1]! })],
  ];
  for (const [re, make] of rules) {
    for (const m of q.matchAll(re)) {
      const p = make(m as RegExpExecArray);
      if (p) add(m.index!, p);
    }
  }
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.period)
    .filter((p, i, all) => all.findIndex((o) => o.start === p.start && o.end === p.end) === i && dayNumber(p.end) > dayNumber(p.start));
}

function topIn(q: string): number | null {
  const m = /\btop\s+(\d{1,2}|[a-z]+)\b/.exec(q) ?? /\b(\d{1,2}|[a-z]+)\s+(?:most expensive|biggest|largest|costliest|priciest)\b/.exec(q);
  if (!m) return /\b(?:top|most expensive|biggest|largest|costliest)\b/.test(q) ? 5 : null;
  const n = Number(m[1]) || NUMBER_WORDS[m[1]!];
  return n ? Math.min(Math.max(n, 1), 50) : 5;
}

export function extract(question: string, today: string, vocab: Vocabulary): Extraction {
  const q = question.toLowerCase().replace(/[’']/g, "'").replace(/\s+/g, ' ');
  const periods = periodsIn(q, today);

  const services = new Set<string>();
  for (const name of vocab.services) if (name && q.includes(name.toLowerCase())) services.add(name);
  for (const [alias, pattern] of SERVICE_ALIASES) if (alias.test(q)) for (const name of vocab.services) if (pattern.test(name)) services.add(name);

  const accounts = new Set<string>();
  for (const m of q.matchAll(/\b(\d{12})\b/g)) accounts.add(m[1]!);
  for (const a of vocab.accounts) if (a.name && new RegExp(`(^|[^\\w-])${a.name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`).test(q)) accounts.add(a.key);

  const regions = [...new Set([...q.matchAll(/\b([a-z]{2}(?:-gov)?-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d)\b/g)].map((m) => m[1]!))];

  const tags: Record<string, string[]> = {};
  for (const m of question.matchAll(/\b(?:tag(?:ged)?\s+)?([A-Za-z][\w.-]{0,40})\s*[=:]\s*([\w.-]{1,64})/g)) {
    if (/^(https?|q\d)$/i.test(m[1]!)) continue;
    (tags[m[1]!] ??= []).push(m[2]!);
  }

  let groupBy: string | null = null;
  const by = /\b(?:by|per|across|which|what|top \d* ?|each)\s+((?:usage ?types?|cost[ -]?cent(?:er|re)s?|[a-z]+))/.exec(q);
  if (by) for (const [re, g] of GROUP_WORDS) if (re.test(by[1]!)) groupBy = g;
  if (!groupBy) {
    const topMatch = /\b(?:top|most expensive|biggest|largest|costliest)\b[^?.]*?\b(services?|accounts?|regions?|usage ?types?|teams?|resources?|instances?)\b/.exec(q);
    if (topMatch) for (const [re, g] of GROUP_WORDS) if (re.test(topMatch[1]!)) groupBy = g;
  }

  let category: string | null = null;
  for (const [re, c] of CATEGORY_WORDS) if (re.test(q)) {
    category = c;
    break;
  }

  const budgetMatch = /\b([\w-]+(?: [\w-]+)?) budgets?\b/.exec(q);
  const STOP = new Set(['the', 'our', 'my', 'a', 'any', 'all', 'this', 'that', 'monthly', 'quarterly', 'annual', 'exceed', 'over', 'the monthly', 'of', 'to', 'our monthly']);
  let budgetName: string | null = null;
  if (budgetMatch) {
    const words = budgetMatch[1]!.split(' ').filter((w) => !STOP.has(w) && !/^(exceed|go|be|blow|overspend|over|are|is|we|going|on|track|within|under|for|in)$/.test(w));
    budgetName = words.length ? words.join(' ') : null;
  }

  const entities: Entities = { periods, services: [...services], accounts: [...accounts], regions, tags, top: topIn(q), groupBy, category, budgetName };

  let intent: Intent = 'help';
  if (/\bsav(?:e|ing|ings)\b|\brecommend|\boptimi[sz]|\brightsiz|\bidle\b|\bwaste|\bcheaper\b|\bcut (?:costs?|spend)/.test(q)) intent = 'savings';
  else if (/\bbudgets?\b/.test(q)) intent = 'budget';
  else if (/\bforecast|\bpredict|\bprojected?\b|\bgoing to (?:spend|cost|be)|\bwill (?:we|it|our|the)\b.*\b(?:spend|cost|be)\b|\bend of (?:the )?(?:month|quarter)\b|\bexpected? (?:spend|cost|total)/.test(q)) intent = 'forecast';
  else if (/\bwhy\b|\bwhat (?:caused|drove|happened)|\b(?:went|go|goes|gone|going) up\b|\bincreas|\bspik|\bjump|\brose\b|\brise\b|\bgrew\b|\bhigher\b|\bdrivers?\b/.test(q)) intent = 'why';
  else if (/\banomal|\bunusual|\bunexpected|\bsurpris/.test(q)) intent = 'anomalies';
  else if (/\bresources?\b|\binstances?\b|\bbuckets?\b/.test(q) && entities.top !== null) intent = 'resources';
  else if (/\bcompar|\bvs\.?\b|\bversus\b|\bagainst\b|\bdifference\b|\bchange[ds]?\b/.test(q) || periods.length >= 2) intent = 'compare';
  else if (entities.top !== null || groupBy !== null || /\bbreak ?down\b|\bsplit\b/.test(q)) intent = 'breakdown';
  else if (/\bspen[dt]|\bcost|\bbill|\bhow much|\bpa(?:y|id)\b|\bcharges?\b|\btotal\b/.test(q) || services.size > 0 || periods.length > 0) intent = 'spend';
  return { intent, entities };
}

/** "And S3?", "what about last week?": a short question that leans on the one before. */
export const isFollowUp = (question: string): boolean =>
  /^\s*(?:and|what about|how about|same for|also|then|now)\b/i.test(question) || question.trim().split(/\s+/).length <= 3;

/**
 * A follow-up keeps what it does not say from the question before: its intent (unless it asks
 * something else explicitly), its periods, and each filter dimension it does not name itself.
 */
export function mergeFollowUp(previous: Extraction, current: Extraction): Extraction {
  const p = previous.entities;
  const c = current.entities;
  const intent = current.intent === 'spend' || current.intent === 'help' ? (previous.intent === 'help' ? current.intent : previous.intent) : current.intent;
  return {
    intent,
    entities: {
      periods: c.periods.length ? c.periods : p.periods,
      services: c.services.length ? c.services : p.services,
      accounts: c.accounts.length ? c.accounts : p.accounts,
      regions: c.regions.length ? c.regions : p.regions,
      tags: Object.keys(c.tags).length ? c.tags : p.tags,
      top: c.top ?? p.top,
      groupBy: c.groupBy ?? p.groupBy,
      category: c.category ?? p.category,
      budgetName: c.budgetName ?? p.budgetName,
    },
  };
}
