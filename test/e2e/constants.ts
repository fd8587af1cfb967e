export const DEMO_PASSWORD = 'Demo-Passw0rd!';
/**
 * The demo's billing data runs to yesterday (UTC), as it does under `npm start`, so the dashboard's
 * month to date has data. The browser tests compare what pages show with what the API answers,
 * never with fixed figures, so the moving date changes nothing they check.
 */
export const DEMO_BILLING_END_DATE = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
