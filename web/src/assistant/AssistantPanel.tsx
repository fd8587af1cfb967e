import { useEffect, useId, useRef, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { assistantRoutes, askRequest, type assistantAnswer, type conversationDetail, type conversationSummary } from '#shared/contracts/assistant.js';
import { MAX_QUESTION_LENGTH } from '#shared/assistant/constants.js';
import { useApi, useTimeZone } from '../app/context.js';
import { messageOf } from '../api/errors.js';
import { formatDateTime } from '../format.js';
import { Badge, Button, EmptyState, ErrorState, FormError, Loading, LoadMore } from '../ui/index.js';
import { useContractForm } from '../ui/form.js';
import { describeInput, figureName, formatFigure, SUGGESTED_QUESTIONS, TOOL_NAMES } from './labels.js';
import './assistant.css';

type Answer = z.output<typeof assistantAnswer>;
type Conversation = z.output<typeof conversationDetail>;
type Summary = z.output<typeof conversationSummary>;

const KEYS = {
  list: ['assistant', 'conversations'] as const,
  one: (id: string) => ['assistant', 'conversation', id] as const,
};

/**
 * The assistant as a side panel on a native modal <dialog> (focus kept inside, Escape closes, focus
 * goes back to the Ask button): the current conversation, created with its first question, each
 * answer with its sources, engine and ungrounded figures; suggested questions; past conversations.
 */
export default function AssistantPanel({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [view, setView] = useState<'chat' | 'history'>('chat');
  const [conversationId, setConversationId] = useState<string | null>(null);
  // A fresh chat (form and pending question cleared) for each conversation opened or started; not
  // when the first question creates one, so the pending answer stays in view.
  const [chatKey, setChatKey] = useState(0);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const startNew = () => {
    setConversationId(null);
    setChatKey((k) => k + 1);
    setView('chat');
  };

  return (
    <dialog ref={ref} className="assistant-panel" aria-labelledby={titleId} onClose={onClose} onCancel={onClose} data-testid="assistant-panel">
      <div className="assistant-head">
        <h2 id={titleId}>
          <span aria-hidden="true" className="assistant-mark">
            ✦
          </span>{' '}
          Assistant
        </h2>
        <div className="assistant-head-actions">
          <Button variant="ghost" onClick={startNew} disabled={view === 'chat' && conversationId === null}>
            New conversation
          </Button>
          <Button variant="ghost" aria-pressed={view === 'history'} onClick={() => setView(view === 'history' ? 'chat' : 'history')}>
            History
          </Button>
          <button type="button" className="icon-btn" aria-label="Close the assistant" onClick={onClose}>
            ×
          </button>
        </div>
      </div>
      {view === 'history' ? (
        <History
          currentId={conversationId}
          onOpen={(id) => {
            setConversationId(id);
            setChatKey((k) => k + 1);
            setView('chat');
          }}
          onDeleted={(id) => {
            if (id === conversationId) setConversationId(null);
          }}
        />
      ) : (
        <Chat key={chatKey} conversationId={conversationId} onCreated={setConversationId} />
      )}
    </dialog>
  );
}

function Chat({ conversationId, onCreated }: { conversationId: string | null; onCreated: (id: string) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const form = useContractForm(askRequest, { question: '' });
  const { errors } = form.formState;
  const endRef = useRef<HTMLDivElement>(null);

  const conversation = useQuery({
    queryKey: KEYS.one(conversationId ?? ''),
    queryFn: ({ signal }) => api.call(assistantRoutes.getConversation, { params: { id: conversationId! }, signal }),
    enabled: conversationId !== null,
  });

  const ask = useMutation({
    mutationFn: async (question: string) => {
      let id = conversationId;
      if (id === null) {
        const created = await api.call(assistantRoutes.createConversation, { body: {} });
        queryClient.setQueryData<Conversation>(KEYS.one(created.id), created);
        id = created.id;
        onCreated(id);
      }
      return api.call(assistantRoutes.ask, { params: { id }, body: { question } });
    },
    onSuccess: (answer) => {
      queryClient.setQueryData<Conversation>(KEYS.one(answer.conversationId), (old) =>
        old ? { ...old, turns: old.turns + 1, messages: [...old.messages, answer] } : old,
      );
      void queryClient.invalidateQueries({ queryKey: KEYS.one(answer.conversationId) });
      void queryClient.invalidateQueries({ queryKey: KEYS.list });
      form.reset({ question: '' });
    },
    onError: (error) => form.showApiError(error),
  });

  const send = (question: string) => {
    form.clearErrors();
    ask.mutate(question);
  };
  const submit = form.handleSubmit((body) => send(body.question));

  const messages = conversationId === null ? [] : (conversation.data?.messages ?? []);
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [messages.length, ask.isPending]);

  let body;
  if (conversationId !== null && conversation.isPending) body = <Loading label="Loading the conversation" rows={4} />;
  else if (conversationId !== null && conversation.isError) body = <ErrorState error={conversation.error} onRetry={() => void conversation.refetch()} />;
  else if (messages.length === 0 && !ask.isPending) {
    body = (
      <div className="assistant-empty">
        <EmptyState title="Ask about your cloud costs">
          Spend, trends, anomalies, forecasts, budgets and savings — answered from your organization's own data, with the figures each answer used.
        </EmptyState>
        <div className="assistant-suggestions" role="group" aria-label="Suggested questions">
          {SUGGESTED_QUESTIONS.map((q) => (
            <button key={q} type="button" className="assistant-chip" onClick={() => send(q)} disabled={ask.isPending}>
              {q}
            </button>
          ))}
        </div>
      </div>
    );
  } else {
    body = (
      <ol className="assistant-messages" aria-label="Conversation" data-conversation-id={conversationId ?? undefined}>
        {messages.map((m) => (
          <Message key={m.id} answer={m} />
        ))}
        {ask.isPending ? (
          <li className="assistant-turn">
            <p className="assistant-question">{ask.variables}</p>
            <div className="assistant-answer" role="status" aria-live="polite">
              <span className="spinner" aria-hidden="true" /> Looking at your data…
            </div>
          </li>
        ) : null}
      </ol>
    );
  }

  const length = form.watch('question')?.length ?? 0;
  return (
    <>
      <div className="assistant-body" aria-busy={ask.isPending || undefined}>
        {body}
        <div ref={endRef} />
      </div>
      <form
        className="assistant-form"
        noValidate
        aria-label="Ask the assistant"
        onSubmit={(e) => void submit(e)}
      >
        <label htmlFor="assistant-question" className="visually-hidden">
          Your question
        </label>
        <textarea
          id="assistant-question"
          rows={2}
          placeholder="Ask about your costs, e.g. “What did we spend on S3 last month?”"
          aria-invalid={Boolean(errors.question)}
          aria-describedby={errors.question ? 'assistant-question-error' : 'assistant-question-hint'}
          {...form.register('question')}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <div className="assistant-form-row">
          {errors.question ? (
            <p className="field-error" id="assistant-question-error" role="alert">
              Question {errors.question.message}
            </p>
          ) : (
            <p className={`field-hint ${length > MAX_QUESTION_LENGTH ? 'over' : ''}`} id="assistant-question-hint">
              Enter to send, Shift+Enter for a new line · {length}/{MAX_QUESTION_LENGTH}
            </p>
          )}
          <Button type="submit" variant="primary" busy={ask.isPending}>
            Ask
          </Button>
        </div>
        <FormError message={errors.root?.server?.message} />
      </form>
    </>
  );
}

function Message({ answer }: { answer: Answer }) {
  const timeZone = useTimeZone();
  return (
    <li className="assistant-turn">
      <p className="assistant-question">{answer.question}</p>
      <article className="assistant-answer" data-testid="assistant-answer" data-id={answer.id}>
        <div className="assistant-text" data-testid="answer-text">
          {answer.text}
        </div>
        {answer.ungrounded.length > 0 ? (
          <div className="assistant-warning" role="note" data-testid="answer-ungrounded">
            <strong>Check these figures:</strong> {answer.ungrounded.join(', ')} {answer.ungrounded.length === 1 ? 'does' : 'do'} not appear in any source of this answer.
          </div>
        ) : null}
        <div className="assistant-meta">
          <Badge tone={answer.engine === 'bedrock' ? 'info' : 'neutral'}>
            <span data-testid="answer-engine">{answer.engine === 'bedrock' ? 'Answered by Amazon Bedrock' : 'Answered by the local engine'}</span>
          </Badge>
          <time dateTime={answer.createdAt}>{formatDateTime(answer.createdAt, timeZone)}</time>
        </div>
        {answer.sources.length > 0 ? (
          <details className="assistant-sources" data-testid="answer-sources">
            <summary>
              {answer.sources.length} {answer.sources.length === 1 ? 'source' : 'sources'}: {[...new Set(answer.sources.map((s) => TOOL_NAMES[s.tool]))].join(', ')}
            </summary>
            <ol>
              {answer.sources.map((source, i) => (
                <li key={i} className="assistant-source" data-testid="answer-source" data-tool={source.tool}>
                  <div className="assistant-source-title">
                    <strong>{TOOL_NAMES[source.tool]}</strong>
                    {source.error ? <Badge tone="bad">failed</Badge> : null}
                  </div>
                  <p className="muted assistant-source-summary">{source.error ?? source.summary}</p>
                  {Object.keys(source.input).length > 0 ? (
                    <dl className="assistant-params" aria-label="Parameters">
                      {describeInput(source.input).map(([label, value]) => (
                        <div key={label}>
                          <dt>{label}</dt>
                          <dd>{value}</dd>
                        </div>
                      ))}
                    </dl>
                  ) : null}
                  {Object.keys(source.values).length > 0 ? (
                    <table className="assistant-values">
                      <caption className="visually-hidden">Figures returned</caption>
                      <tbody>
                        {Object.entries(source.values).map(([name, value]) => (
                          <tr key={name} data-testid="source-value" data-name={name} data-value={value}>
                            <th scope="row">{figureName(name)}</th>
                            <td className="num" title={value}>
                              {formatFigure(value)}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  ) : null}
                </li>
              ))}
            </ol>
          </details>
        ) : (
          <p className="muted assistant-nosources">No data was looked up for this answer.</p>
        )}
      </article>
    </li>
  );
}

function History({ currentId, onOpen, onDeleted }: { currentId: string | null; onOpen: (id: string) => void; onDeleted: (id: string) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const timeZone = useTimeZone();
  const [confirming, setConfirming] = useState<string | null>(null);
  const list = useInfiniteQuery({
    queryKey: KEYS.list,
    queryFn: ({ pageParam, signal }) => api.call(assistantRoutes.listConversations, { query: { cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.call(assistantRoutes.deleteConversation, { params: { id } }),
    onSuccess: (_, id) => {
      setConfirming(null);
      onDeleted(id);
      queryClient.removeQueries({ queryKey: KEYS.one(id) });
      void queryClient.invalidateQueries({ queryKey: KEYS.list });
    },
  });

  if (list.isPending) return <div className="assistant-body"><Loading label="Loading your conversations" rows={5} /></div>;
  if (list.isError) return <div className="assistant-body"><ErrorState error={list.error} onRetry={() => void list.refetch()} /></div>;
  const items: Summary[] = list.data.pages.flatMap((p) => p.items);
  return (
    <div className="assistant-body">
      <h3 className="assistant-section-title">Your conversations</h3>
      {remove.isError ? (
        <p className="field-error" role="alert">
          {messageOf(remove.error)}
        </p>
      ) : null}
      {items.length === 0 ? (
        <EmptyState title="No conversations yet">Questions you ask are kept here, for you alone.</EmptyState>
      ) : (
        <ul className="assistant-history" data-testid="assistant-history">
          {items.map((c) => (
            <li key={c.id} className={c.id === currentId ? 'current' : ''}>
              <button type="button" className="assistant-history-open" onClick={() => onOpen(c.id)} aria-current={c.id === currentId || undefined}>
                <span className="assistant-history-title">{c.title}</span>
                <span className="muted">
                  {c.turns} {c.turns === 1 ? 'question' : 'questions'} · {formatDateTime(c.updatedAt, timeZone)}
                </span>
              </button>
              {confirming === c.id ? (
                <span className="assistant-history-confirm">
                  <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(c.id)}>
                    Delete
                  </Button>
                  <Button variant="ghost" onClick={() => setConfirming(null)}>
                    Keep
                  </Button>
                </span>
              ) : (
                <Button variant="ghost" className="assistant-history-delete" aria-label={`Delete “${c.title}”`} onClick={() => setConfirming(c.id)}>
                  Delete
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      <LoadMore query={list} />
    </div>
  );
}
