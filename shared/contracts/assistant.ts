import { z } from 'zod';
import { ASSISTANT_TOOL_NAMES, EXPLANATION_SOURCES, MAX_QUESTION_LENGTH, MAX_TITLE_LENGTH } from '../assistant/constants.js';
import { defineRoute } from '../http/route.js';
import { entityId, isoDateTime, listOf, pageQuery } from './common.js';

/**
 * The assistant (issue 9): questions about the tenant's own data, answered by the Bedrock engine
 * (Converse with tool use) or, where Bedrock is not configured, the local engine; both call the same
 * tenant-scoped tools (shared/assistant/tools.ts). Conversations belong to the user who started
 * them: another user of the same tenant, like another tenant, gets 404.
 */

export const createConversationRequest = z.strictObject({
  title: z.string().trim().min(1).max(MAX_TITLE_LENGTH).optional().describe('Default: the first question, shortened'),
});

export const askRequest = z.strictObject({
  question: z.string().trim().min(1, 'must not be empty').max(MAX_QUESTION_LENGTH, `must be at most ${MAX_QUESTION_LENGTH} characters`),
});

const source = z.object({
  tool: z.enum(ASSISTANT_TOOL_NAMES).describe('The tool that ran'),
  input: z.record(z.string(), z.unknown()).describe('The parameters it ran with (the tenant is never one: it is the caller\'s)'),
  summary: z.string().describe('What it returned, in a line'),
  values: z.record(z.string(), z.string()).describe('The figures it returned that the answer may quote, by name'),
  error: z.string().nullable().describe('Why the tool failed (the answer says so); null when it ran'),
});

export const assistantAnswer = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    question: z.string(),
    text: z.string().describe('The answer; numbers that no tool result of this turn holds are listed in `ungrounded` (and marked in the text by the Bedrock engine)'),
    engine: z.enum(['bedrock', 'local']).describe('Which engine answered: Amazon Bedrock, or the local engine when Bedrock is not configured'),
    sources: z.array(source),
    ungrounded: z.array(z.string()).describe('Numbers in the text not found in any tool result of this turn'),
    usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }),
    createdAt: isoDateTime,
  })
  .meta({ id: 'AssistantAnswer' });

const conversationFields = {
  id: z.string(),
  title: z.string(),
  turns: z.number().int().describe('Questions asked in it'),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
};

export const conversationSummary = z.object(conversationFields).meta({ id: 'AssistantConversationSummary' });

export const conversationDetail = z
  .object({ ...conversationFields, messages: z.array(assistantAnswer).describe('Oldest first, at most the last 100') })
  .meta({ id: 'AssistantConversation' });

const params = z.object({ id: entityId });

export const explanation = z
  .object({
    text: z.string().describe('3-5 plain sentences; numbers the item\'s data does not hold are listed in `ungrounded` (and marked in the text by the Bedrock engine)'),
    engine: z.enum(['bedrock', 'local']).describe('Amazon Bedrock, or the local engine (a fixed template over the same data) when Bedrock is not configured'),
    sources: z.array(
      z.object({
        tool: z.enum(EXPLANATION_SOURCES).describe('The read that gave the data (the GET route\'s own store)'),
        input: z.object({ id: z.string() }),
        summary: z.string(),
        values: z.record(z.string(), z.string()),
        error: z.null(),
      }),
    ),
    ungrounded: z.array(z.string()),
    cached: z.boolean().describe('Served from the cache: the item has not changed since this explanation was generated (nothing counted against the quota)'),
    generatedAt: isoDateTime,
  })
  .meta({ id: 'Explanation' });

export const assistantRoutes = {
  createConversation: defineRoute({
    operationId: 'createAssistantConversation',
    method: 'POST',
    path: '/v1/assistant/conversations',
    domain: 'assistant',
    tag: 'Assistant',
    summary: 'Start a conversation with the assistant (yours alone)',
    access: { permission: 'assistant:use' },
    body: createConversationRequest,
    example: { title: 'October spend' },
    response: conversationDetail,
    status: 201,
  }),
  listConversations: defineRoute({
    operationId: 'listAssistantConversations',
    method: 'GET',
    path: '/v1/assistant/conversations',
    domain: 'assistant',
    tag: 'Assistant',
    summary: "The caller's own conversations, most recently started first",
    access: { permission: 'assistant:use' },
    query: pageQuery.strict(),
    response: listOf(conversationSummary),
    status: 200,
  }),
  getConversation: defineRoute({
    operationId: 'getAssistantConversation',
    method: 'GET',
    path: '/v1/assistant/conversations/{id}',
    domain: 'assistant',
    tag: 'Assistant',
    summary: 'One of your conversations with its questions and answers (sources included)',
    access: { permission: 'assistant:use' },
    params,
    response: conversationDetail,
    status: 200,
  }),
  deleteConversation: defineRoute({
    operationId: 'deleteAssistantConversation',
    method: 'DELETE',
    path: '/v1/assistant/conversations/{id}',
    domain: 'assistant',
    tag: 'Assistant',
    summary: 'Delete one of your conversations and its messages',
    access: { permission: 'assistant:use' },
    params,
    response: z.null(),
    status: 204,
  }),
  ask: defineRoute({
    operationId: 'askAssistant',
    method: 'POST',
    path: '/v1/assistant/conversations/{id}/messages',
    domain: 'assistant',
    tag: 'Assistant',
    summary: "Ask a question about your costs, anomalies, forecast, budgets or recommendations; counts against the tenant's monthly question quota (429 ASSISTANT_QUOTA_EXCEEDED past it)",
    access: { permission: 'assistant:use' },
    params,
    body: askRequest,
    example: { question: 'What did we spend on EC2 last month?' },
    response: assistantAnswer,
    status: 201,
  }),
  // The explanations are served by the assistant's function (the one with Bedrock access), under the items' own paths.
  explainRecommendation: defineRoute({
    operationId: 'explainRecommendation',
    method: 'POST',
    path: '/v1/recommendations/{id}/explain',
    domain: 'assistant',
    tag: 'Recommendations',
    summary: "A short plain-language explanation of one recommendation, from its own data (cached until it changes; one assistant question of the month's quota when Bedrock writes it)",
    access: { permission: 'recommendations:read' },
    params,
    response: explanation,
    status: 200,
  }),
  explainAnomaly: defineRoute({
    operationId: 'explainAnomaly',
    method: 'POST',
    path: '/v1/anomalies/{id}/explain',
    domain: 'assistant',
    tag: 'Anomalies',
    summary: "A short plain-language explanation of one anomaly, from its own data (cached until it changes; one assistant question of the month's quota when Bedrock writes it)",
    access: { permission: 'anomalies:read' },
    params,
    response: explanation,
    status: 200,
  }),
};
