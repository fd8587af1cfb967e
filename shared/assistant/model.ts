import type { AssistantToolName } from './constants.js';

/** What a tool run contributes to an answer: its parameters, a line saying what it found, and its figures. */
export interface Source {
  tool: AssistantToolName;
  input: Record<string, unknown>;
  summary: string;
  /** The figures the answer may quote, by name (flattened from the tool's result). */
  values: Record<string, string>;
  error: string | null;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** An engine's answer to one question. */
export interface Answer {
  text: string;
  engine: 'bedrock' | 'local';
  sources: Source[];
  /** Numbers in `text` that no tool result of this turn holds. */
  ungrounded: string[];
  usage: TokenUsage;
}

/** One earlier question and answer, for an engine that keeps context. */
export interface HistoryTurn {
  question: string;
  text: string;
}

/** What both engines are given: the question, the recent history, the tenant's tools, today and the limits. */
export interface AskInput {
  question: string;
  history: readonly HistoryTurn[];
  today: string;
  tokenBudget: number;
  toolRounds: number;
}
