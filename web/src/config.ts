/**
 * What the console reads at start-up from `/config.json`: deployed, CDK writes it beside the app
 * (lib/console.ts ConsoleConfig) and the API lives on its own origin; locally the gateway serves the
 * console and the API on one origin, so an absent file means "same origin".
 */
export interface ConsoleConfig {
  apiUrl: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (!res.ok) return { apiUrl: '' };
    const body = (await res.json()) as Partial<ConsoleConfig>;
    return { apiUrl: (body.apiUrl ?? '').replace(/\/$/, '') };
  } catch {
    return { apiUrl: '' };
  }
}
