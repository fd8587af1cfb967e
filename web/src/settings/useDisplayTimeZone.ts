import { useSyncExternalStore } from 'react';
import { useTimeZone } from '../app/context.js';
import { DISPLAY_ZONE_KEY, storedDisplayZone } from './timezones.js';

function subscribe(listener: () => void): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === DISPLAY_ZONE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}

/** The display zone kept in this browser, if any. */
export function useStoredDisplayZone(): string | null {
  return useSyncExternalStore(subscribe, storedDisplayZone);
}

/** This browser's display preference if one is set, else the user's saved zone, else the browser's. */
export function useDisplayTimeZone(): string {
  const stored = useStoredDisplayZone();
  const fallback = useTimeZone();
  return stored ?? fallback;
}
