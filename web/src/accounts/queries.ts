import { useInfiniteQuery } from '@tanstack/react-query';
import { accountRoutes } from '#shared/contracts/accounts.js';
import { useApi } from '../app/context.js';

export const accountKeys = { list: ['accounts'] as const, onboarding: ['accounts', 'onboarding'] as const, inventory: ['inventory'] as const };

/** Connected accounts, a page at a time; polled while any of them is syncing. */
export function useAccounts() {
  const api = useApi();
  const query = useInfiniteQuery({
    queryKey: accountKeys.list,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.call(accountRoutes.list, { query: { limit: 100, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.items.some((a) => a.lastSync?.status === 'running')) ? 1500 : false),
  });
  return { query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}
