import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Permission } from '#shared/auth/permissions.js';
import { tenantRoutes, type me as meSchema } from '#shared/contracts/tenants.js';
import type { ApiClient } from '../api/client.js';
import type { Session } from '../auth/session.js';
import { browserTimeZone } from '../format.js';

/** What every page reaches through hooks: the session, the typed API client, and who the caller is. */
interface AppContextValue {
  session: Session;
}

const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider({ session, children }: { session: Session; children: ReactNode }) {
  const value = useMemo(() => ({ session }), [session]);
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(AppContext);
  if (!value) throw new Error('useSession outside AppProvider');
  return value.session;
}

/** Re-renders on sign-in and sign-out (in this tab or another). */
export function useSignedIn(): boolean {
  const session = useSession();
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.signedIn,
  );
}

export function useApi(): ApiClient {
  return useSession().api;
}

export type Me = z.output<typeof meSchema>;

export function useMe(): UseQueryResult<Me> {
  const api = useApi();
  const signedIn = useSignedIn();
  return useQuery({
    queryKey: ['me'],
    queryFn: ({ signal }) => api.call(tenantRoutes.me, { signal }),
    enabled: signedIn,
    staleTime: 60_000,
  });
}

/**
 * Whether the caller holds a permission. The console hides what a role cannot use; the API enforces
 * it regardless, so this is a courtesy, never the check.
 */
export function useCan(): (permission: Permission) => boolean {
  const { data } = useMe();
  return useMemo(() => {
    const held = new Set(data?.permissions ?? []);
    return (permission: Permission) => held.has(permission);
  }, [data]);
}

export function Can({ permission, children }: { permission: Permission; children: ReactNode }) {
  return useCan()(permission) ? <>{children}</> : null;
}

/** The user's own time zone setting, else the browser's. */
export function useTimeZone(): string {
  const { data } = useMe();
  return data?.user?.timezone ?? browserTimeZone();
}
