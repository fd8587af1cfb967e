import { lazy, Suspense, useState } from 'react';
import { useCan } from '../app/context.js';

/**
 * The shell's entry point to the assistant: a small button in the header. The panel itself (its
 * queries, forms and CSS) is a lazily loaded chunk, fetched the first time the button is pressed,
 * then kept mounted so the conversation survives page changes.
 */
const AssistantPanel = lazy(() => import('./AssistantPanel.js'));

export function AskButton() {
  const can = useCan();
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  if (!can('assistant:use')) return null;
  return (
    <>
      <button
        type="button"
        className="btn btn-secondary"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => {
          setLoaded(true);
          setOpen(true);
        }}
        data-testid="assistant-open"
      >
        <span aria-hidden="true">✦</span> Ask
      </button>
      {loaded ? (
        <Suspense fallback={null}>
          <AssistantPanel open={open} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
