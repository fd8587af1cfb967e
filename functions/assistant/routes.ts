import { HISTORY_TURNS, MAX_TITLE_LENGTH, type AssistantTier } from '#shared/assistant/constants.js';
import type { Answer, AskInput } from '#shared/assistant/model.js';
import type { ConversationStore, StoredMessage } from '#shared/assistant/store.js';
import { assistantRoutes } from '#shared/contracts/assistant.js';
import { todayIn } from '#shared/costs/dates.js';
import { callerOf, implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';

/** An engine answers one question (Bedrock or local); both have this shape. */
export interface Engine {
  ask(input: AskInput): Promise<Answer>;
}

/** What the assistant routes need per request, all scoped to the caller's tenant. */
export interface AssistantRouteDeps {
  conversations: ConversationStore;
  timezone: () => Promise<string>;
  /** The engine for this tenant, its tools bound to the tenant and to "today". */
  engine: (today: string) => Engine;
  tier: AssistantTier;
}

const view = (m: StoredMessage) => ({
  id: m.id,
  conversationId: m.conversationId,
  question: m.question,
  text: m.text,
  engine: m.engine,
  sources: m.sources,
  ungrounded: m.ungrounded,
  usage: m.usage,
  createdAt: m.createdAt,
});

const titleOf = (question: string) => (question.length <= 60 ? question : `${question.slice(0, 57).trimEnd()}...`).slice(0, MAX_TITLE_LENGTH);

/** Conversations per user, and the questions in them. `now` is injectable for tests. */
export function assistantRouteImplementations(depsOf: (req: ApiRequest) => AssistantRouteDeps, now: () => Date = () => new Date()): Implementation[] {
  return [
    implement(assistantRoutes.createConversation, async (req) => {
      const caller = callerOf(req);
      const c = await depsOf(req).conversations.create(caller.tenantId, caller.principalId, req.body.title ?? 'New conversation', now().toISOString());
      return { ...withoutOwner(c), messages: [] };
    }),
    implement(assistantRoutes.listConversations, async (req) => {
      const caller = callerOf(req);
      const page = await depsOf(req).conversations.list(caller.tenantId, caller.principalId, req.query.limit, req.query.cursor);
      return { items: page.items.map(withoutOwner), nextCursor: page.nextCursor };
    }),
    implement(assistantRoutes.getConversation, async (req) => {
      const caller = callerOf(req);
      const { conversations } = depsOf(req);
      const c = await conversations.get(caller.tenantId, caller.principalId, req.params.id);
      return { ...withoutOwner(c), messages: (await conversations.messages(caller.tenantId, c.id)).map(view) };
    }),
    implement(assistantRoutes.deleteConversation, async (req) => {
      const caller = callerOf(req);
      await depsOf(req).conversations.delete(caller.tenantId, caller.principalId, req.params.id);
      return null;
    }),
    implement(assistantRoutes.ask, async (req) => {
      const caller = callerOf(req);
      const deps = depsOf(req);
      const { conversations, tier } = deps;
      const conversation = await conversations.get(caller.tenantId, caller.principalId, req.params.id);
      const at = now();
      const month = at.toISOString().slice(0, 7);
      // Counted before answering, atomically; given back if the answer fails.
      await conversations.reserveQuestion(caller.tenantId, month, tier.questionsPerMonth, at.toISOString());
      let answer: Answer;
      try {
        const [today, history] = await Promise.all([deps.timezone().then((tz) => todayIn(tz, at)), conversations.messages(caller.tenantId, conversation.id, HISTORY_TURNS)]);
        answer = await deps.engine(today).ask({
          question: req.body.question,
          history: history.map((m) => ({ question: m.question, text: m.text })),
          today,
          tokenBudget: tier.tokensPerAnswer,
          toolRounds: tier.toolRounds,
        });
      } catch (error) {
        await conversations.releaseQuestion(caller.tenantId, month);
        throw error;
      }
      await conversations.recordTokens(caller.tenantId, month, answer.usage.inputTokens, answer.usage.outputTokens);
      const stored = await conversations.addMessage(caller.tenantId, conversation, req.body.question, answer, now().toISOString());
      if (conversation.turns === 0 && conversation.title === 'New conversation') await conversations.rename(caller.tenantId, conversation, titleOf(req.body.question));
      return view(stored);
    }),
  ];
}

function withoutOwner<T extends { ownerId: string }>(c: T): Omit<T, 'ownerId'> {
  const { ownerId: _o, ...rest } = c;
  return rest;
}
