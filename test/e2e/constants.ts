export const DEMO_PASSWORD = 'Demo-Passw0rd!';
/** A fixed end date, so the demo data (and what the pages show) is the same on every run. */
export const DEMO_BILLING_END_DATE = '2026-10-31';
