import { formatMoney } from '../../functions/assistant/local.js';
import { startPlatform } from '../../local/platform.js';
import { formatDecimal, parseDecimal } from '../../shared/money.js';

/**
 * The local assistant engine's accuracy on the demo tenant (issue 9): questions people ask, each
 * with the figures a right answer must state, computed independently through the cost, budget,
 * forecast, anomaly and recommendation APIs (never through the assistant or its extraction code;
 * the periods are worked out here from today's date). A question is answered correctly when the
 * answer states every expected figure (as the console shows money: rounded to cents) and nothing
 * ungrounded. Starts its own local platform with the demo data through yesterday.
 *
 * Run: npm run eval:assistant [-- --verbose]     (a measurement: prints the accuracy and each miss; exits 0)
 */
const PASSWORD = 'Demo-Passw0rd!';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const platform = await startPlatform({ port: 0, dataDir: null, demoPassword: PASSWORD, authorizerCacheTtlSeconds: 60, log: () => undefined });
await platform.booted;
await platform.seeded;

async function call(path: string, token: string, body?: unknown): Promise<any> {
  const res = await fetch(`${platform.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const login = await fetch(`${platform.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'finops@demo.example', password: PASSWORD }) });
const { idToken: token } = (await login.json()) as { idToken: string };

// ---- Periods, worked out here (UTC: the demo tenant's time zone) ----
const iso = (d: Date) => d.toISOString().slice(0, 10);
const now = new Date();
const today = iso(now);
const day = (offset: number) => iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + offset)));
const monthStart = (offset: number) => iso(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)));
const monthName = (offset: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
const tomorrow = day(1);
const q = Math.floor(now.getUTCMonth() / 3); // this quarter, 0-based
const lastQ = q === 0 ? { n: 4, year: now.getUTCFullYear() - 1 } : { n: q, year: now.getUTCFullYear() };
const quarter = { start: `${lastQ.year}-${String(3 * lastQ.n - 2).padStart(2, '0')}-01`, end: iso(new Date(Date.UTC(lastQ.year, 3 * lastQ.n, 1))) };
const monday = day(-((now.getUTCDay() + 6) % 7));
const P = {
  'last month': { start: monthStart(-1), end: monthStart(0) },
  'this month': { start: monthStart(0), end: tomorrow },
  [`in Q${lastQ.n}`]: quarter,
  [`in ${monthName(-2)}`]: { start: monthStart(-2), end: monthStart(-1) },
  'in the last 7 days': { start: day(-6), end: tomorrow },
  'last week': { start: day(-((now.getUTCDay() + 6) % 7) - 7), end: monday },
  'this year': { start: `${now.getUTCFullYear()}-01-01`, end: tomorrow },
} as Record<string, { start: string; end: string }>;

const qs = (params: Record<string, string | string[] | number>) =>
  Object.entries(params)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`))
    .join('&');
const overview = (p: { start: string; end: string }, filters: Record<string, string> = {}) =>
  call(`/v1/costs/overview?${qs({ ...p, ...Object.fromEntries(Object.entries(filters).map(([k, v]) => [`filter[${k}]`, v])) })}`, token);
const breakdown = (p: { start: string; end: string }, groupBy: string, top: number, filters: Record<string, string> = {}) =>
  call(`/v1/costs/breakdown?${qs({ ...p, groupBy, top, ...Object.fromEntries(Object.entries(filters).map(([k, v]) => [`filter[${k}]`, v])) })}`, token);

interface Case {
  question: string;
  expected: () => Promise<string[]>;
}
const cases: Case[] = [];
const money = (amount: string, currency = 'USD') => formatMoney(amount, currency);

// Spend on a service, named by its alias, over several periods.
const SERVICES: Array<[string, string]> = [
  ['EC2', 'Amazon Elastic Compute Cloud'],
  ['S3', 'Amazon Simple Storage Service'],
  ['RDS', 'Amazon Relational Database Service'],
  ['Lambda', 'AWS Lambda'],
  ['DynamoDB', 'Amazon DynamoDB'],
  ['CloudFront', 'Amazon CloudFront'],
];
for (const [alias, service] of SERVICES) {
  for (const period of ['last month', `in Q${lastQ.n}`, `in ${monthName(-2)}`]) {
    cases.push({ question: `What did we spend on ${alias} ${period}?`, expected: async () => [money((await overview(P[period]!, { service })).total)] });
  }
}
// Totals.
for (const period of ['last month', 'this month', 'in the last 7 days', 'last week', 'this year']) {
  cases.push({
    question: `How much did we spend ${period}?`,
    expected: async () => {
      const o = await overview(P[period]!);
      return [money(o.total), money(o.previous.total)];
    },
  });
}
// Breakdowns: top N by service, account, region, in a region.
const tops: Array<[string, string, number, string, Record<string, string>]> = [
  [`Top 5 services in eu-west-1 in Q${lastQ.n}`, 'service', 5, `in Q${lastQ.n}`, { region: 'eu-west-1' }],
  ['Top 3 services in us-east-1 last month', 'service', 3, 'last month', { region: 'us-east-1' }],
  ['Top 5 services last month', 'service', 5, 'last month', {}],
  ['Which accounts cost the most this month?', 'account', 5, 'this month', {}],
  ['Cost by region last month', 'region', 10, 'last month', {}],
  ['Top 3 regions this year', 'region', 3, 'this year', {}],
  ['Top 4 services in demo-prod last month', 'service', 4, 'last month', { account: '318274650192' }],
  ['Cost by team last month', 'tag:team', 10, 'last month', {}],
];
for (const [question, groupBy, top, period, filters] of tops) {
  cases.push({
    question,
    expected: async () => {
      const b = await breakdown(P[period]!, groupBy, top, filters);
      return [money(b.total), ...b.rows.map((r: any) => `${r.name}: ${money(r.amount)}`)];
    },
  });
}
// Accounts, regions and tags as filters.
const scoped: Array<[string, string, Record<string, string>]> = [
  ['How much did demo-prod spend last month?', 'last month', { account: '318274650192' }],
  ['What did demo-staging cost this month?', 'this month', { account: '427183920465' }],
  ['How much did we spend in eu-west-1 last month?', 'last month', { region: 'eu-west-1' }],
  ['How much did we spend in ap-southeast-2 this year?', 'this year', { region: 'ap-southeast-2' }],
  ['What did team=payments spend last month?', 'last month', { 'tag:team': 'payments' }],
  ['What did env=prod cost this month?', 'this month', { 'tag:env': 'prod' }],
  ['What did we spend on EC2 in eu-west-1 last month?', 'last month', { service: 'Amazon Elastic Compute Cloud', region: 'eu-west-1' }],
];
for (const [question, period, filters] of scoped) {
  // Tag spend is answered by the breakdown by that tag (the overview ranks services, which tag rollups do not hold).
  const tag = Object.keys(filters).find((k) => k.startsWith('tag:'));
  cases.push({ question, expected: async () => [money((tag ? await breakdown(P[period]!, tag, 10, filters) : await overview(P[period]!, filters)).total)] });
}
// Comparisons: both totals and the exact change, worked out here from the two overviews.
const diff = (a: string, b: string) => {
  const d = parseDecimal(b) - parseDecimal(a);
  return money(formatDecimal(d < 0n ? -d : d));
};
const comparisons: Array<[string, { start: string; end: string }, { start: string; end: string }, Record<string, string>]> = [
  [`Compare ${monthName(-1)} vs ${monthName(-2)}`, P[`in ${monthName(-2)}`]!, P['last month']!, {}],
  [`How did EC2 spend in ${monthName(-1)} compare to ${monthName(-2)}?`, P[`in ${monthName(-2)}`]!, P['last month']!, { service: 'Amazon Elastic Compute Cloud' }],
  ['How did spend in eu-west-1 change last month?', { start: iso(new Date(Date.parse(P['last month']!.start) - (Date.parse(P['last month']!.end) - Date.parse(P['last month']!.start)))), end: P['last month']!.start }, P['last month']!, { region: 'eu-west-1' }],
];
for (const [question, a, b, filters] of comparisons) {
  cases.push({
    question,
    expected: async () => {
      const [x, y] = [await overview(a, filters), await overview(b, filters)];
      return [money(x.total), money(y.total), diff(x.total, y.total)];
    },
  });
}
// Resources.
cases.push({
  question: 'What were our top 5 most expensive resources last month?',
  expected: async () => {
    const t = await call(`/v1/costs/resources/top?${qs({ ...P['last month']!, limit: 5 })}`, token);
    return t.items.map((i: any) => `${i.resourceId} (${i.service}`).concat(t.items.map((i: any) => money(i.amount)));
  },
});
// "Why" and anomalies.
cases.push({
  question: 'Why did costs go up this week?',
  expected: async () => {
    // "This week" for a why: the last 7 full days (data lags a day) against the 7 before.
    const o = await overview({ start: day(-7), end: today });
    const a = await call(`/v1/anomalies?${qs({ start: day(-14), limit: 5 })}`, token);
    return [money(o.total), money(o.previous.total), ...a.items.map((x: any) => money(x.impact, x.currency))];
  },
});
cases.push({
  question: 'Were there any anomalies last month?',
  expected: async () => {
    const a = await call(`/v1/anomalies?${qs({ start: iso(new Date(Date.parse(P['last month']!.start) - 7 * 86_400_000)), limit: 5 })}`, token);
    return a.items.map((x: any) => money(x.impact, x.currency));
  },
});
// Forecast and budgets.
cases.push({
  question: 'What is the forecast for this month?',
  expected: async () => {
    const f = await call('/v1/forecast?horizon=month', token);
    return [money(f.month.actual, f.currency), money(f.month.forecast, f.currency), money(f.month.lower80, f.currency), money(f.month.upper80, f.currency)];
  },
});
for (const question of ['Are we going to exceed the prod budget?', 'Will we go over the EC2 budget this month?', 'How are our budgets doing?']) {
  cases.push({
    question,
    expected: async () => {
      const b = await call('/v1/budgets?limit=50', token);
      const name = /EC2/.test(question) ? 'ec2' : null;
      const shown = name ? b.items.filter((x: any) => x.name.toLowerCase().includes(name)) : b.items;
      return shown.flatMap((x: any) => [x.name, money(x.amount, x.currency), money(x.current.spent, x.currency), money(x.current.forecast, x.currency)]);
    },
  });
}
// Savings.
cases.push({
  question: 'How much can we save on storage?',
  expected: async () => {
    const s = await call('/v1/recommendations/summary', token);
    const storage = s.byCategory.find((c: any) => c.category === 'storage');
    return [money(s.open.deduplicatedMonthlySavings), ...(storage ? [money(storage.monthlySavings)] : [])];
  },
});
cases.push({
  question: 'How much could we save overall?',
  expected: async () => {
    const s = await call('/v1/recommendations/summary', token);
    return [money(s.open.deduplicatedMonthlySavings), money(s.open.deduplicatedAnnualSavings), money(s.open.monthlySavings)];
  },
});

// ---- Run ----
const conversation = await call('/v1/assistant/conversations', token, { title: 'eval' });
let correct = 0;
let figures = 0;
const misses: string[] = [];
const started = Date.now();
for (const c of cases) {
  let expected: string[];
  let answer: any;
  try {
    expected = await c.expected();
    answer = await call(`/v1/assistant/conversations/${conversation.id}/messages`, token, { question: c.question });
  } catch (error) {
    misses.push(`- ${c.question}\n    error: ${(error as Error).message}`);
    continue;
  }
  const missing = expected.filter((e) => !answer.text.includes(e));
  figures += expected.length;
  // A case with nothing to check (no anomalies, no budget matched) proves nothing: it counts as a miss.
  const ok = expected.length > 0 && missing.length === 0 && answer.ungrounded.length === 0 && answer.engine === 'local';
  if (process.argv.includes('--verbose')) console.log(`Q: ${c.question}\n${answer.text}\n`);
  if (ok) correct++;
  else misses.push(`- ${c.question}\n    missing: ${JSON.stringify(missing)} ungrounded: ${JSON.stringify(answer.ungrounded)}\n    answer: ${answer.text.replace(/\n/g, '\n            ')}`);
}
const ms = Date.now() - started;
console.log(`assistant eval (local engine, demo tenant, data through ${day(-1)}): ${correct}/${cases.length} correct (${((100 * correct) / cases.length).toFixed(1)} %), ${figures} expected figures checked, ${(ms / cases.length).toFixed(0)} ms per question`);
if (misses.length) console.log(`misses:\n${misses.join('\n')}`);
await platform.stop();
process.exit(0);
