import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { billingRoutes } from '#shared/contracts/billing.js';
import { useApi } from '../app/context.js';
import { isSettled, type BillingSource, type Ingestion } from './types.js';

/** How often an unsettled ingestion is asked for its status. */
export const POLL_MS = 1500;
export const HISTORY_PAGE = 20;

export const billingKeys = {
  sources: ['billing', 'sources'] as const,
  ingestions: ['billing', 'ingestions'] as const,
  ingestion: (id: string) => ['billing', 'ingestion', id] as const,
};

/** Every billing source (a tenant has a handful: all pages are read). */
export function useSources() {
  const api = useApi();
  return useQuery({
    queryKey: billingKeys.sources,
    queryFn: async ({ signal }) => {
      const items: BillingSource[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.call(billingRoutes.listSources, { query: { limit: 500, cursor }, signal });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    },
  });
}

/** The ingestion history, newest first, a page at a time; refreshed while any shown run is unsettled. */
export function useIngestionHistory() {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: billingKeys.ingestions,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.call(billingRoutes.listIngestions, { query: { limit: HISTORY_PAGE, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((i) => !isSettled(i.status))) ? POLL_MS * 2 : false),
  });
}

/** One ingestion, polled until it settles; when it does, the history and sources are refreshed. */
export function useIngestion(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: billingKeys.ingestion(id),
    queryFn: async ({ signal }): Promise<Ingestion> => {
      const previous = queryClient.getQueryData<Ingestion>(billingKeys.ingestion(id));
      const next = await api.call(billingRoutes.getIngestion, { params: { id }, signal });
      if (previous && !isSettled(previous.status) && isSettled(next.status)) {
        void queryClient.invalidateQueries({ queryKey: billingKeys.ingestions });
        void queryClient.invalidateQueries({ queryKey: billingKeys.sources });
      }
      return next;
    },
    refetchInterval: (query) => (query.state.data && isSettled(query.state.data.status) ? false : POLL_MS),
  });
}
