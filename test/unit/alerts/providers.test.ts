import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetSubscriptionAttributesCommand, PublishCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { maskTarget } from '#shared/alerts/channels.js';
import { SnsEmailSender, snsSubject } from '#shared/alerts/email.js';
import { refusedTarget, signatureOf, verifySignature } from '#shared/alerts/http.js';
import { displayMoney, emailOf, slackMessageOf, webhookBodyOf, type Alert } from '#shared/alerts/messages.js';
import { channelSecretName, LocalSecretStore, SecretsManagerSecretStore } from '#shared/alerts/secrets.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:tenant-alerts';
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);
beforeEach(() => {
  sns.reset();
  secrets.reset();
});

const budgetAlert: Alert = {
  type: 'budget_threshold',
  budgetId: 'b1',
  budgetName: 'Prod <compute> & more',
  period: '2026-11',
  threshold: { percent: 80, on: 'actual' },
  status: 'at_risk',
  amount: '1000',
  spent: '812.345',
  forecast: '1234.5',
  currency: 'USD',
};

describe('email through SNS', () => {
  it('subscribes an address with a filter policy on its own tenant and channel', async () => {
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:sub-1` });
    const out = await new SnsEmailSender(new SNSClient({}), TOPIC).subscribe('t1', 'c1', 'ops@example.com');
    expect(out).toEqual({ subscriptionArn: `${TOPIC}:sub-1`, pending: true });
    const input = sns.commandCalls(SubscribeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ TopicArn: TOPIC, Protocol: 'email', Endpoint: 'ops@example.com', ReturnSubscriptionArn: true });
    expect(JSON.parse(input.Attributes!.FilterPolicy!)).toEqual({ tenantId: ['t1'], channelId: ['c1'] });
    expect(input.Attributes!.FilterPolicyScope).toBe('MessageAttributes');
  });

  it("publishes with the tenant's and channel's message attributes, an SNS-safe subject and the console link", async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const sender = new SnsEmailSender(new SNSClient({}), TOPIC);
    const out = await sender.send('t1', 'c1', emailOf(budgetAlert, 'https://console.example.com'));
    expect(out.detail).toBe('published m-1');
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.MessageAttributes).toEqual({ tenantId: { DataType: 'String', StringValue: 't1' }, channelId: { DataType: 'String', StringValue: 'c1' } });
    expect(input.Subject).toBe('Budget "Prod <compute> & more": actual spend reached 80% (2026-11)');
    expect(input.Message).toContain('Spent USD 812.35 of USD 1,000.00 in 2026-11; forecast USD 1,234.50.');
    expect(input.Message).toContain('Open in CloudOptima: https://console.example.com/budgets');
  });

  it('unsubscribes confirmed subscriptions only, and reads confirmation from SNS', async () => {
    sns.on(UnsubscribeCommand).resolves({});
    sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { PendingConfirmation: 'false' } });
    const sender = new SnsEmailSender(new SNSClient({}), TOPIC);
    await sender.unsubscribe(null);
    await sender.unsubscribe('pending confirmation');
    expect(sns.commandCalls(UnsubscribeCommand)).toHaveLength(0);
    await sender.unsubscribe(`${TOPIC}:sub-1`);
    expect(sns.commandCalls(UnsubscribeCommand)[0]!.args[0].input).toEqual({ SubscriptionArn: `${TOPIC}:sub-1` });
    expect(await sender.confirmed(`${TOPIC}:sub-1`)).toBe(true);
    sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { PendingConfirmation: 'true' } });
    expect(await sender.confirmed(`${TOPIC}:sub-1`)).toBe(false);
  });

  it('keeps subjects to what SNS accepts (ASCII, 100 characters, one line)', () => {
    expect(snsSubject('Ünïcode\nline '.repeat(20))).toMatch(/^[\x20-\x7E]{100}$/);
  });
});

describe('channel secrets', () => {
  it('are Secrets Manager secrets named per tenant and channel, deleted without a recovery window', async () => {
    secrets.on(CreateSecretCommand).resolves({});
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"url":"https://hooks.slack.com/services/x"}' });
    secrets.on(DeleteSecretCommand).resolves({});
    const store = new SecretsManagerSecretStore(new SecretsManagerClient({}));
    const name = channelSecretName('t1', 'c1');
    expect(name).toBe('cloudoptima/alert-channels/t1/c1');
    await store.put(name, 'v');
    expect(secrets.commandCalls(CreateSecretCommand)[0]!.args[0].input).toMatchObject({ Name: name, SecretString: 'v' });
    expect(await store.get(name)).toBe('{"url":"https://hooks.slack.com/services/x"}');
    await store.delete(name);
    expect(secrets.commandCalls(DeleteSecretCommand)[0]!.args[0].input).toEqual({ SecretId: name, ForceDeleteWithoutRecovery: true });
    secrets.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    expect(await store.get(name)).toBeNull();
  });

  it('refuses ids that could climb out of the tenant', () => {
    expect(() => channelSecretName('t1/../t2', 'c1')).toThrow();
    expect(() => channelSecretName('t1', '')).toThrow();
  });

  it('locally are owner-only files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const store = new LocalSecretStore(dir);
    const name = channelSecretName('t1', 'c1');
    await store.put(name, 'top secret');
    expect(await store.get(name)).toBe('top secret');
    expect(statSync(join(dir, 't1__c1.secret')).mode & 0o777).toBe(0o600);
    await store.delete(name);
    expect(await store.get(name)).toBeNull();
  });
});

describe('webhook signatures', () => {
  it('are HMAC-SHA256 over "<timestamp>.<body>", verified in constant time within a tolerance', () => {
    const body = JSON.stringify({ hello: 'world' });
    const header = signatureOf('whsec_test', body, 1_800_000_000);
    // Known answer: HMAC-SHA256("whsec_test", '1800000000.{"hello":"world"}').
    expect(header).toBe('t=1800000000,v1=2cd068f37feeaf74f00c9f7a4d83905a673e537c140a834f359a77f021adc713'); // openssl dgst -sha256 -hmac whsec_test
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_test', body, header, 1_800_000_100)).toBe(true);
    expect(verifySignature('whsec_test', body, header, 1_800_001_000)).toBe(false); // too old: a replay
    expect(verifySignature('whsec_test', `${body} `, header, 1_800_000_000)).toBe(false);
    expect(verifySignature('whsec_other', body, header, 1_800_000_000)).toBe(false);
    expect(verifySignature('whsec_test', body, 't=1800000000,v1=00', 1_800_000_000)).toBe(false);
  });
});

describe('messages', () => {
  it('are Slack Block Kit with escaped mrkdwn, a fallback text and a button back to the console', () => {
    const message = slackMessageOf(budgetAlert, 'https://console.example.com/');
    expect(message.text).toBe('Budget "Prod <compute> & more": actual spend reached 80% (2026-11)');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: message.text, emoji: false } });
    expect(message.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect((message.blocks[1] as { text: { text: string } }).text.text).toContain('Status: at risk.');
    expect(message.blocks[2]).toEqual({ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in CloudOptima' }, url: 'https://console.example.com/budgets', action_id: 'open_console' }] });
    const anomaly = slackMessageOf({ type: 'anomaly', anomalyId: '20261101-abc', severity: 'high', title: 'Amazon S3', rootCause: 'S3 <requests> & more: +$1/day', startDate: '2026-11-01', endDate: '2026-11-02', impact: '1234.5', currency: 'USD' }, 'https://c.example.com');
    expect((anomaly.blocks[1] as { text: { text: string } }).text.text).toContain('S3 &lt;requests&gt; &amp; more');
    expect((anomaly.blocks[2] as { elements: Array<{ url: string }> }).elements[0]!.url).toBe('https://c.example.com/anomalies/20261101-abc');
  });

  it("carry the API's exact amounts in webhook bodies; display rounds to cents", () => {
    const body = webhookBodyOf(budgetAlert, 'https://c.example.com', { id: 'd1', tenantId: 't1', sentAt: '2026-11-23T00:00:00.000Z' });
    expect(body.alert).toMatchObject({ spent: '812.345', amount: '1000' });
    expect(body.link).toBe('https://c.example.com/budgets');
    expect(displayMoney('1234567.899', 'EUR')).toBe('EUR 1,234,567.90');
    expect(displayMoney('0.004', 'USD')).toBe('USD 0.00');
    expect(displayMoney('-12.5', 'USD')).toBe('-USD 12.50');
  });
});

describe('targets', () => {
  it('are masked for the API', () => {
    expect(maskTarget('slack', 'https://hooks.slack.com/services/T0/B0/abcdefgh1234')).toBe('https://hooks.slack.com/…•••1234');
    expect(maskTarget('email', 'finance@example.com')).toBe('f•••@example.com');
    expect(maskTarget('webhook', 'https://example.com/')).toBe('https://example.com/…');
  });

  it('in AWS must be https to a public address (no metadata, private or loopback hosts); locally anything goes', async () => {
    expect(await refusedTarget('http://example.com/x', false)).toBe('must be an https URL');
    expect(await refusedTarget('https://169.254.169.254/latest/meta-data', false)).toBe('must be a public address');
    expect(await refusedTarget('https://10.0.0.5/hook', false)).toBe('must be a public address');
    expect(await refusedTarget('https://127.0.0.1:9001/x', false)).toBe('must be a public address');
    expect(await refusedTarget('https://[::1]/x', false)).toBe('must be a public address');
    expect(await refusedTarget('https://user:pw@example.com/x', false)).toBe('must not carry credentials');
    expect(await refusedTarget('https://8.8.8.8/hook', false)).toBeNull();
    expect(await refusedTarget('http://127.0.0.1:8080/x', true)).toBeNull();
  });
});
