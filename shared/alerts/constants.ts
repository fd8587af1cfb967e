/** The alerts vocabulary the API contract shares with the domain code (no logic: the console imports it). */
export const ALERT_CHANNEL_KINDS = ['slack', 'email', 'webhook'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

/** budget: a budget threshold crossed; anomaly: a new anomaly. */
export const ALERT_EVENTS = ['budget', 'anomaly'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

/** The header carrying a webhook body's HMAC-SHA256: `t=<unix seconds>,v1=<hex of HMAC(secret, "<t>.<body>")>`. */
export const SIGNATURE_HEADER = 'x-cloudoptima-signature';
