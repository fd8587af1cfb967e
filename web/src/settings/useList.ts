import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

/** A `{items, nextCursor}` list of the API, page after page ("Load more"). */
export function useCursorList<T>(
  queryKey: QueryKey,
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<{ items: T[]; nextCursor: string | null }>,
  options: { enabled?: boolean; staleTime?: number } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam, signal }) => fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: options.enabled ?? true,
    ...(options.staleTime !== undefined ? { staleTime: options.staleTime } : {}),
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return { query, items };
}
