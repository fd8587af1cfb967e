import { useEffect, useRef } from 'react';
import { useLocation, useNavigate } from 'react-router';

/**
 * The page's URL search, including a change already navigated to but not rendered yet: navigations
 * render as transitions, so two quick changes (a range, then a metric) must build on each other,
 * not both on the last render's view (which would lose the first).
 */
export function useViewSearch(): { latest: () => string; go: (search: string) => void } {
  const location = useLocation();
  const navigate = useNavigate();
  const pending = useRef<string | null>(null);
  useEffect(() => {
    if (pending.current === location.search) pending.current = null;
  }, [location.search]);
  return {
    latest: () => pending.current ?? location.search,
    go: (search: string) => {
      pending.current = search ? (search.startsWith('?') ? search : `?${search}`) : '';
      navigate({ search });
    },
  };
}
