import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { analysisRoutes, type anomalyQuery, type updateAnomalyRequest } from '#shared/contracts/analysis.js';
import type { ApiClient } from '../api/client.js';
import { useApi } from '../app/context.js';
import type { AnomalyDetail, AnomalySummary } from './labels.js';

export const LIST_PAGE = 25;

export type AnomalyFilter = Omit<z.input<typeof anomalyQuery>, 'limit' | 'cursor'>;

export const anomalyKeys = {
  all: ['anomalies'] as const,
  list: (filter: AnomalyFilter) => ['anomalies', 'list', filter] as const,
  everything: ['anomalies', 'everything'] as const,
  one: (id: string) => ['anomalies', 'one', id] as const,
};

/** The list, newest first, a page at a time ("Load more"). */
export function useAnomalyList(filter: AnomalyFilter, enabled = true) {
  const api = useApi();
  const query = useInfiniteQuery({
    queryKey: anomalyKeys.list(filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.call(analysisRoutes.listAnomalies, { query: { ...filter, limit: LIST_PAGE, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
  return { query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}

/** Every anomaly of the tenant (a tenant has tens, not thousands: pages of the API's maximum). */
export async function fetchAllAnomalies(api: ApiClient, signal: AbortSignal): Promise<AnomalySummary[]> {
  const items: AnomalySummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.call(analysisRoutes.listAnomalies, { query: { limit: 500, cursor }, signal });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export function useAnomaly(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: anomalyKeys.one(id),
    queryFn: ({ signal }) => api.call(analysisRoutes.getAnomaly, { params: { id }, signal }),
  });
}

export type AnomalyUpdate = z.output<typeof updateAnomalyRequest>;

/** PATCH: the answer is the updated anomaly; lists (and the dashboard) refetch. */
export function useUpdateAnomaly(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AnomalyUpdate) => api.call(analysisRoutes.updateAnomaly, { params: { id }, body }),
    onSuccess: (updated: AnomalyDetail) => {
      queryClient.setQueryData(anomalyKeys.one(id), updated);
      void queryClient.invalidateQueries({ queryKey: ['anomalies', 'list'] });
      void queryClient.invalidateQueries({ queryKey: anomalyKeys.everything });
    },
  });
}
