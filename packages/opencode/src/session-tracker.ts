import { type ContextMessage, type GoalStep, type GoalTurn, TokenRate } from "@pursuit/core";
import type { TurnFailure } from "./opencode-events.js";

/** A turn OpenCode runs, as the plugin follows it. */
export type TrackedTurn = {
  id: string;
  continuation: boolean;
  failure?: TurnFailure;
  /** The engine's side of the turn (begun when the turn's first event or request is seen). */
  goal: Promise<GoalTurn>;
  /** The model request in flight: reserved in chat.params, settled by its step-finish (or cut, or released). */
  step?: GoalStep;
  /** How many model requests the turn has made. */
  requests: number;
  /** The request in flight is the one wrap-up step allowed after a limit was reached. */
  wrapUp?: boolean;
};

/** OpenCode step-finish parts already charged per session (its events can repeat), the newest kept. */
const REMEMBERED_STEPS = 256;

/** What the plugin knows about one OpenCode session, learnt from its events. */
export type TrackedSession = {
  busy: boolean;
  /** The next turn to start is one the plugin prompted (a continuation). */
  continuationPrompted: boolean;
  turn?: TrackedTurn;
  /** OpenCode step-finish parts already charged (an event seen twice charges once). */
  chargedSteps: Set<string>;
  /** Characters a token in this session's answers, learnt from OpenCode's counts. */
  outputRate: TokenRate;
  /**
   * Characters of new input a token as the provider billed it uncached (cache blocks and wire format
   * included), learnt from answered steps that read the cache; relearnt from the transcript after a restart.
   */
  newInputRate: TokenRate;
  /** Characters of new input the open step's request was estimated to add (what its bill is compared with). */
  stepNewInputChars: number;
  /** The last request's prompt plus answer as the provider counted them: most of the next prompt is cached. */
  lastPromptTokens: number;
  /** Permission requests and questions waiting on a person. */
  pendingRequests: Set<string>;
  /** Goal context waiting to ride on the next prompt (goal set, objective edited, budget notice). */
  pendingContext: ContextMessage[];
  /** Tool parts already reported, so repeated part events count once. */
  reportedTools: Set<string>;
  /** Tool calls whose arguments were counted as streamed output. */
  writtenToolCalls: Set<string>;
  /** The plugin itself aborted the turn to enforce a limit: not a person's abort. */
  stoppingForLimit: boolean;
  /** The plugin cut the turn's silent model stream: a failed turn to retry, not a person's abort. */
  cutForSilence?: string;
  /** The plugin cut the turn OpenCode held open until a usage quota resets: the goal waits for it instead. */
  cutForQuota?: { message: string; resetAt: number };
  /** Characters the model streamed since its last finished step: what a cut step is charged for. */
  streamedChars: number;
  /**
   * Tokens the next model request adds to the previous one (uncached): answers, tool outputs and prompts
   * since the last request, estimated; the step limits reserve them.
   */
  newInputTokens: number;
  /** A request of this session went out through this process (before one, its new input is read from the prompt). */
  requestSeen: boolean;
};

/** The tracked sessions, created on first mention. */
export class SessionTracker {
  private readonly sessions = new Map<string, TrackedSession>();

  get(sessionID: string): TrackedSession {
    let session = this.sessions.get(sessionID);
    if (!session) {
      session = {
        busy: false,
        continuationPrompted: false,
        pendingRequests: new Set(),
        pendingContext: [],
        reportedTools: new Set(),
        writtenToolCalls: new Set(),
        stoppingForLimit: false,
        newInputTokens: 0,
        requestSeen: false,
        streamedChars: 0,
        chargedSteps: new Set(),
        outputRate: new TokenRate(),
        newInputRate: new TokenRate(),
        stepNewInputChars: 0,
        lastPromptTokens: 0,
      };
      this.sessions.set(sessionID, session);
    }
    return session;
  }

  /** Whether a step-finish part was charged already; remembers it if not. */
  firstCharge(sessionID: string, stepID: string): boolean {
    const charged = this.get(sessionID).chargedSteps;
    if (charged.has(stepID)) return false;
    charged.add(stepID);
    if (charged.size > REMEMBERED_STEPS) charged.delete(charged.values().next().value as string);
    return true;
  }

  /** Goal context to deliver with the next prompt. */
  queueContext(sessionID: string, messages: readonly ContextMessage[]): void {
    if (messages.length > 0) this.get(sessionID).pendingContext.push(...messages);
  }

  /** Takes the pending goal context out, oldest first. */
  takeContext(sessionID: string): string[] {
    const session = this.get(sessionID);
    const texts = session.pendingContext.map((message) => message.text);
    session.pendingContext = [];
    return texts;
  }

  forget(sessionID: string): void {
    this.sessions.delete(sessionID);
  }
}
