import type { z } from 'zod';
import type { tokens as tokensSchema } from '#shared/contracts/auth.js';
import { authRoutes } from '#shared/contracts/auth.js';
import { ApiClient, type TokenSource } from '../api/client.js';

/**
 * The signed-in session: Cognito tokens from the API's own sign-in routes, kept in localStorage so a
 * reload stays signed in, refreshed a minute before they expire (and once more on a 401), and
 * forgotten on sign-out, on a failed refresh, or in every tab when another tab signs out.
 */
type Tokens = z.output<typeof tokensSchema>;

export interface StoredSession {
  idToken: string;
  refreshToken: string;
  /** Epoch ms when the ID token expires. */
  expiresAt: number;
}

const KEY = 'cloudoptima.session';
const REFRESH_MARGIN_MS = 60_000;

export class Session implements TokenSource {
  private current: StoredSession | null;
  private refreshing: Promise<string | null> | null = null;
  private readonly listeners = new Set<() => void>();
  readonly api: ApiClient;

  constructor(readonly apiUrl: string) {
    this.current = read();
    this.api = new ApiClient(apiUrl, this);
    window.addEventListener('storage', (e) => {
      if (e.key !== KEY) return;
      this.current = read();
      this.emit();
    });
  }

  get signedIn(): boolean {
    return this.current !== null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stores tokens from sign-in, the new-password challenge or sign-up's first login. */
  start(tokens: Tokens): void {
    this.set({ idToken: tokens.idToken, refreshToken: tokens.refreshToken, expiresAt: Date.now() + tokens.expiresIn * 1000 });
  }

  async token(): Promise<string | null> {
    if (!this.current) return null;
    if (this.current.expiresAt - Date.now() > REFRESH_MARGIN_MS) return this.current.idToken;
    return this.renew();
  }

  /** One refresh at a time; every caller waiting on it gets the same answer. */
  renew(): Promise<string | null> {
    if (!this.current) return Promise.resolve(null);
    this.refreshing ??= this.refresh(this.current.refreshToken).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refresh(refreshToken: string): Promise<string | null> {
    try {
      const fresh = await this.api.call(authRoutes.refresh, { body: { refreshToken } });
      this.set({ idToken: fresh.idToken, refreshToken, expiresAt: Date.now() + fresh.expiresIn * 1000 });
      return fresh.idToken;
    } catch {
      this.set(null);
      return null;
    }
  }

  /** Revokes the refresh token and this session at the API (best effort: the local copy goes either way). */
  async signOut(): Promise<void> {
    const refreshToken = this.current?.refreshToken;
    if (refreshToken) await this.api.call(authRoutes.logout, { body: { refreshToken } }).catch(() => undefined);
    this.set(null);
  }

  private set(session: StoredSession | null): void {
    this.current = session;
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

function read(): StoredSession | null {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as StoredSession | null;
    return value && typeof value.idToken === 'string' && typeof value.refreshToken === 'string' ? value : null;
  } catch {
    return null;
  }
}
