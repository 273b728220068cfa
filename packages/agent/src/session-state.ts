import { TokenRate } from "@pursuit/core";
import type { ModelMessage } from "ai";
import type { MessageWithParts, SessionStatus } from "./events.js";

/** A prompt() caller waiting for the turn that answers its message. */
export type PromptWaiter = { resolve: (message: MessageWithParts | undefined) => void };

/** Why a running turn was told to stop (`handed_over`: this replica lost the session's lease to another). */
export type StopReason = "user" | "shutdown" | "deleted" | "handed_over";

export type TurnHandle = {
  id: string;
  continuation: boolean;
  controller: AbortController;
  /** Ends a wait before a retry of a failed model request (a pause or clear of the goal the turn works for). */
  retryWait: AbortController;
  stop?: StopReason;
  /** Prompts whose messages this turn's steps have seen; resolved when the turn ends. */
  waiters: PromptWaiter[];
  done: Promise<void>;
};

/** What the host keeps in memory per session (cheap to lose: a restart rebuilds it). */
export type SessionState = {
  id: string;
  directory: string;
  /** Marked synchronously when a turn is launched, so a racing continuation or prompt sees it. */
  busy: boolean;
  turn?: TurnHandle;
  /** Prompts appended while a turn runs, not yet seen by any step. */
  pendingWaiters: PromptWaiter[];
  status: SessionStatus;
  /** Size of the previous request's messages, to estimate how much of the next one is new (uncached). */
  lastRequestChars?: number;
  /** Messages in the previous request: the last of them is where this request reads the provider's cache. */
  lastRequestMessageCount?: number;
  /** The previous request's prompt plus answer as the provider counted them: the base of the next estimate. */
  lastPromptTokens?: number;
  /**
   * The transcript in model form up to `lastSeq`. Every stored message is final by the time the next step
   * starts, so each step reads and converts only the messages appended since; an abort drops the cache.
   */
  history?: { lastSeq: number; messages: ModelMessage[]; chars: number };
  /** Characters a token in this session's prompts and answers, learnt from its provider's counts. */
  inputRate: TokenRate;
  outputRate: TokenRate;
  /**
   * Characters of new input a token billed uncached: what a step adds to the previous request against what its
   * provider billed as uncached input (the wire format and whole cache blocks included), learnt per session.
   */
  newInputRate: TokenRate;
  /** The session's model (from its metadata), once read. */
  model?: string | null;
  /** Tool parts left pending by a previous process were marked interrupted. */
  repaired: boolean;
};

export const newSessionState = (id: string, directory: string): SessionState => ({
  id,
  directory,
  busy: false,
  pendingWaiters: [],
  status: { type: "idle" },
  repaired: false,
  inputRate: new TokenRate(),
  outputRate: new TokenRate(),
  newInputRate: new TokenRate(),
});
