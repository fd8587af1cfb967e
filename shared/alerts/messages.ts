import type { Severity } from '../analysis/constants.js';
import type { ThresholdBase } from '../budgets/constants.js';

/**
 * What an alert says, once, in three renderings: a Slack Block Kit message, an email (subject and
 * text) and the JSON a generic webhook receives. Every alert links back to the console page it is
 * about. Amounts are the API's exact decimal strings; only their display is rounded to cents.
 */
export type Alert =
  | {
      type: 'budget_threshold';
      budgetId: string;
      budgetName: string;
      period: string;
      threshold: { percent: number; on: ThresholdBase };
      status: 'on_track' | 'at_risk' | 'exceeded';
      amount: string;
      spent: string;
      forecast: string;
      currency: string;
    }
  | {
      type: 'anomaly';
      anomalyId: string;
      severity: Severity;
      title: string;
      rootCause: string;
      startDate: string;
      endDate: string;
      impact: string;
      currency: string;
    }
  | {
      type: 'digest';
      date: string;
      budgets: Array<{ name: string; status: string; spent: string; amount: string; currency: string }>;
      anomalies: Array<{ title: string; severity: Severity; impact: string; currency: string }>;
    }
  | { type: 'test'; channelName: string };

/** Display only: the exact amount rounded to cents with its currency, e.g. "USD 1,234.57". */
export function displayMoney(amount: string, currency: string): string {
  const [int = '0', frac = ''] = amount.replace(/^-/, '').split('.');
  let cents = BigInt(int) * 100n + BigInt((frac + '00').slice(0, 2));
  if (Number(frac[2] ?? '0') >= 5) cents += 1n;
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount.startsWith('-') ? '-' : ''}${currency} ${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

const STATUS = { on_track: 'on track', at_risk: 'at risk', exceeded: 'exceeded' } as const;

/** Where in the console the alert leads. */
export function linkOf(alert: Alert, consoleUrl: string): string {
  const base = consoleUrl.replace(/\/+$/, '');
  switch (alert.type) {
    case 'budget_threshold':
      return `${base}/budgets`;
    case 'anomaly':
      return `${base}/anomalies/${encodeURIComponent(alert.anomalyId)}`;
    case 'digest':
      return `${base}/`;
    case 'test':
      return `${base}/settings/alert-channels`;
  }
}

export function headlineOf(alert: Alert): string {
  switch (alert.type) {
    case 'budget_threshold':
      return `Budget "${alert.budgetName}": ${alert.threshold.on} spend reached ${alert.threshold.percent}% (${alert.period})`;
    case 'anomaly':
      return `${alert.severity[0]!.toUpperCase()}${alert.severity.slice(1)} cost anomaly: ${alert.title}`;
    case 'digest':
      return `CloudOptima daily digest for ${alert.date}`;
    case 'test':
      return `Test alert from CloudOptima to "${alert.channelName}"`;
  }
}

/** Plain lines: the email body and the Slack fallback text. */
export function linesOf(alert: Alert): string[] {
  switch (alert.type) {
    case 'budget_threshold':
      return [
        `Spent ${displayMoney(alert.spent, alert.currency)} of ${displayMoney(alert.amount, alert.currency)} in ${alert.period}; forecast ${displayMoney(alert.forecast, alert.currency)}.`,
        `Status: ${STATUS[alert.status]}.`,
      ];
    case 'anomaly':
      return [`${alert.rootCause}`, `Impact ${displayMoney(alert.impact, alert.currency)} from ${alert.startDate} to ${alert.endDate}.`];
    case 'digest':
      return [
        ...(alert.budgets.length ? alert.budgets.map((b) => `Budget ${b.name}: ${STATUS[b.status as keyof typeof STATUS] ?? b.status}, ${displayMoney(b.spent, b.currency)} of ${displayMoney(b.amount, b.currency)}`) : ['No budgets.']),
        ...(alert.anomalies.length ? alert.anomalies.map((a) => `Anomaly (${a.severity}): ${a.title}, +${displayMoney(a.impact, a.currency)}`) : ['No open anomalies.']),
      ];
    case 'test':
      return ['If you can read this, alerts reach this channel.'];
  }
}

export function emailOf(alert: Alert, consoleUrl: string): { subject: string; text: string } {
  return { subject: headlineOf(alert), text: [...linesOf(alert), '', `Open in CloudOptima: ${linkOf(alert, consoleUrl)}`].join('\n') };
}

/** Slack's mrkdwn needs &, < and > escaped. */
const mrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A Slack incoming-webhook body: Block Kit blocks, with `text` as the notification fallback. */
export function slackMessageOf(alert: Alert, consoleUrl: string) {
  const headline = headlineOf(alert);
  const link = linkOf(alert, consoleUrl);
  return {
    text: headline,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150), emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(linesOf(alert).join('\n')).slice(0, 3000) } },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in CloudOptima' }, url: link, action_id: 'open_console' }],
      },
    ],
  };
}

/** A generic webhook's JSON: the alert's own fields, its headline and its console link. */
export function webhookBodyOf(alert: Alert, consoleUrl: string, meta: { id: string; tenantId: string; sentAt: string }) {
  return { id: meta.id, tenantId: meta.tenantId, sentAt: meta.sentAt, headline: headlineOf(alert), link: linkOf(alert, consoleUrl), alert };
}
