import { beforeAll, describe, expect, it } from 'vitest';
import { numbersIn } from '../../shared/assistant/grounding.js';
import { api, DEMO_PASSWORD, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * Explanations of the demo organization's recommendations and anomalies through the local platform
 * (no Bedrock configured: the local engine explains, from the data the GET routes answer).
 */
let analyst: Session;
let viewer: Session;
let other: Session;
let recommendationId: string;
let anomalyId: string;

beforeAll(async () => {
  [analyst, viewer, other] = await Promise.all([logIn('analyst@demo.example', DEMO_PASSWORD()), logIn('viewer@demo.example', DEMO_PASSWORD()), newTenant('explain-other')]);
  // The seed collects in the background; the recommendations arrive with the collection's last step.
  for (let i = 0; i < 1200 && !recommendationId; i++) {
    const res = await api('/v1/recommendations?status=open&limit=100', { token: analyst.idToken });
    if (res.status === 200 && res.body.items.length > 0) recommendationId = res.body.items.at(-1).id;
    else await new Promise((r) => setTimeout(r, 250));
  }
  const anomalies = await api('/v1/anomalies?limit=500', { token: analyst.idToken });
  expect(anomalies.body.items.length).toBeGreaterThan(0);
  anomalyId = anomalies.body.items.at(-1).id;
}, 320_000);

/** Every plainly written number in the text is one the item's own GET answers hold. */
function expectNumbersFrom(text: string, ...answers: unknown[]) {
  const json = JSON.stringify(answers);
  for (const m of numbersIn(text)) expect(json, `${m.raw} in: ${text}`).toContain(m.raw.replace(/[$,%]/g, ''));
}

describe('explanations', () => {
  it('explains a demo recommendation from its detail and impact, grounded, then answers from the cache', async () => {
    expect(recommendationId).toBeTruthy();
    const first = await api(`/v1/recommendations/${recommendationId}/explain`, { token: analyst.idToken, method: 'POST' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ engine: 'local', ungrounded: [], cached: false });
    const [detail, impact] = await Promise.all([
      api(`/v1/recommendations/${recommendationId}`, { token: analyst.idToken }),
      api(`/v1/recommendations/${recommendationId}/impact`, { token: analyst.idToken }),
    ]);
    expect(first.body.text).toContain(detail.body.title);
    expect(first.body.text).toContain(`${impact.body.estimatedMonthlySavings} USD a month`);
    expectNumbersFrom(first.body.text, detail.body, impact.body);
    expect(first.body.sources.map((s: any) => s.tool)).toEqual(['recommendation', 'recommendation_impact']);
    expect(first.body.sources[1].values.estimatedMonthlySavings).toBe(impact.body.estimatedMonthlySavings);
    const second = await api(`/v1/recommendations/${recommendationId}/explain`, { token: viewer.idToken, method: 'POST' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ ...first.body, cached: true });
  });

  it('explains a demo anomaly from its detail (contributors, series), grounded, then answers from the cache', async () => {
    const first = await api(`/v1/anomalies/${anomalyId}/explain`, { token: viewer.idToken, method: 'POST' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ engine: 'local', ungrounded: [], cached: false });
    const detail = await api(`/v1/anomalies/${anomalyId}`, { token: viewer.idToken });
    expect(first.body.text).toContain(`${detail.body.impact} ${detail.body.currency} more than expected`);
    expect(first.body.text).toContain(detail.body.contributors[0].description);
    expect(first.body.text).toContain(detail.body.suppressed ? 'It is ignored' : detail.body.status === 'active' ? 'Nobody has reviewed it yet (status active' : `It has been`);
    expect(first.body.sources[0]).toMatchObject({ tool: 'anomaly', input: { id: anomalyId }, values: { impact: detail.body.impact }, error: null });
    const second = await api(`/v1/anomalies/${anomalyId}/explain`, { token: analyst.idToken, method: 'POST' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ ...first.body, cached: true });
  });

  it('another tenant, an unknown id and a malformed id: 404, 404, 400', async () => {
    expectError(await api(`/v1/recommendations/${recommendationId}/explain`, { token: other.idToken, method: 'POST' }), 404);
    expectError(await api(`/v1/anomalies/${anomalyId}/explain`, { token: other.idToken, method: 'POST' }), 404);
    expectError(await api('/v1/recommendations/ec2-idle_zzzzzzzzzzzzzzzzzzzzzzzzzzz/explain', { token: analyst.idToken, method: 'POST' }), 404);
    expectError(await api('/v1/anomalies/no-such-anomaly/explain', { token: analyst.idToken, method: 'POST' }), 404);
    expectError(await api('/v1/anomalies/bad%23id/explain', { token: analyst.idToken, method: 'POST' }), 400);
  });
});
