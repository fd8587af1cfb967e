import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { recommendationRoutes, type recommendationQuery, type resourceQuery, type updateRecommendationSettingsRequest } from '#shared/contracts/recommendations.js';
import { useApi } from '../app/context.js';
import type { RecommendationDetail, Settings } from './labels.js';

export const LIST_PAGE = 50;

export type RecommendationFilter = Omit<z.input<typeof recommendationQuery>, 'limit' | 'cursor'>;
export type ResourceFilter = Omit<z.input<typeof resourceQuery>, 'limit' | 'cursor'>;

export const recommendationKeys = {
  all: ['recommendations'] as const,
  list: (filter: RecommendationFilter) => ['recommendations', 'list', filter] as const,
  summary: ['recommendations', 'summary'] as const,
  rules: ['recommendations', 'rules'] as const,
  settings: ['recommendations', 'settings'] as const,
  one: (id: string) => ['recommendations', 'one', id] as const,
  impact: (id: string) => ['recommendations', 'impact', id] as const,
};

export const resourceKeys = {
  all: ['resources'] as const,
  list: (filter: ResourceFilter) => ['resources', 'list', filter] as const,
  one: (id: string) => ['resources', 'one', id] as const,
};

/** The list in the API's order, a page at a time ("Load more"). */
export function useRecommendationList(filter: RecommendationFilter, enabled = true) {
  const api = useApi();
  const query = useInfiniteQuery({
    queryKey: recommendationKeys.list(filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.call(recommendationRoutes.list, { query: { ...filter, limit: LIST_PAGE, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
  return { query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}

/** The totals; `fresh`: refetched whenever the page opens (the list beside them is fetched fresh too). */
export function useRecommendationTotals(enabled = true, options: { fresh?: boolean } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: recommendationKeys.summary,
    queryFn: ({ signal }) => api.call(recommendationRoutes.summary, { signal }),
    enabled,
    ...(options.fresh ? { staleTime: 0 } : {}),
  });
}

export function useRecommendation(id: string) {
  const api = useApi();
  return useQuery({ queryKey: recommendationKeys.one(id), queryFn: ({ signal }) => api.call(recommendationRoutes.get, { params: { id }, signal }) });
}

export function useImpact(id: string) {
  const api = useApi();
  return useQuery({ queryKey: recommendationKeys.impact(id), queryFn: ({ signal }) => api.call(recommendationRoutes.impact, { params: { id }, signal }) });
}

export function useRules() {
  const api = useApi();
  return useQuery({ queryKey: recommendationKeys.rules, queryFn: ({ signal }) => api.call(recommendationRoutes.rules, { signal }), staleTime: 5 * 60_000 });
}

export function useRecommendationSettings() {
  const api = useApi();
  return useQuery({ queryKey: recommendationKeys.settings, queryFn: ({ signal }) => api.call(recommendationRoutes.getSettings, { signal }) });
}

export type SettingsUpdate = z.output<typeof updateRecommendationSettingsRequest>;

/** PATCH the settings: the tenant is re-analysed, so every recommendation view refetches. */
export function useUpdateSettings() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SettingsUpdate) => api.call(recommendationRoutes.updateSettings, { body }),
    onSuccess: (settings: Settings) => {
      queryClient.setQueryData(recommendationKeys.settings, settings);
      void queryClient.invalidateQueries({ queryKey: recommendationKeys.all });
      void queryClient.invalidateQueries({ queryKey: resourceKeys.all });
    },
  });
}

export type LifecycleAction =
  | { kind: 'dismiss'; reason: string }
  | { kind: 'snooze'; until: string }
  | { kind: 'reopen' }
  | { kind: 'apply' }
  | { kind: 'owner'; owner: string | null };

/** A lifecycle action: the answer is the updated recommendation; lists, totals and resources refetch. */
export function useLifecycle(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: LifecycleAction): Promise<RecommendationDetail> => {
      const params = { id };
      switch (action.kind) {
        case 'dismiss':
          return api.call(recommendationRoutes.dismiss, { params, body: { reason: action.reason } });
        case 'snooze':
          return api.call(recommendationRoutes.snooze, { params, body: { until: action.until } });
        case 'reopen':
          return api.call(recommendationRoutes.reopen, { params });
        case 'apply':
          return api.call(recommendationRoutes.apply, { params });
        case 'owner':
          return api.call(recommendationRoutes.update, { params, body: { owner: action.owner } });
      }
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(recommendationKeys.one(id), updated);
      void queryClient.invalidateQueries({ queryKey: recommendationKeys.impact(id) });
      void queryClient.invalidateQueries({ queryKey: ['recommendations', 'list'] });
      void queryClient.invalidateQueries({ queryKey: recommendationKeys.summary });
      void queryClient.invalidateQueries({ queryKey: resourceKeys.all });
    },
  });
}

export function useResourceList(filter: ResourceFilter, enabled = true) {
  const api = useApi();
  const query = useInfiniteQuery({
    queryKey: resourceKeys.list(filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => api.call(recommendationRoutes.listResources, { query: { ...filter, limit: LIST_PAGE, cursor: pageParam }, signal }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
  return { query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}

export function useResource(id: string) {
  const api = useApi();
  return useQuery({ queryKey: resourceKeys.one(id), queryFn: ({ signal }) => api.call(recommendationRoutes.getResource, { params: { id }, signal }) });
}
