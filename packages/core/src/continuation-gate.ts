import { type CeilingGuard, ceilingReview } from "./ceiling-guard.js";
import { type ContextMessage, continuationMessage } from "./context.js";
import {
  type ContinuationDecision,
  type ContinuationState,
  decideContinuation,
  initialContinuationState,
  recordTurn,
  type SessionFacts,
} from "./continuation.js";
import type { GoalPolicy } from "./engine-types.js";
import type { Goal } from "./goal.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { GoalEventSink, GoalStore } from "./ports.js";
import type { Result } from "./result.js";
import type { GoalCommand, GoalRefusal } from "./transition.js";

/** What the gate needs of the engine: its lock, store, clock, policy, per-session memory and commands. */
export type ContinuationGateDeps = {
  lock: KeyedLock;
  store: GoalStore;
  now: () => number;
  policy: GoalPolicy;
  events?: GoalEventSink | undefined;
  /** The session's continuation memory, to read and to replace. */
  memory: (sessionID: string) => { continuation: ContinuationState };
  /** The spend ceilings across goals, when configured. */
  ceilings?: CeilingGuard | undefined;
  /** Applies commands as the runtime; the caller holds the session's lock. */
  applyInLock: (sessionID: string, commands: GoalCommand[]) => Promise<Result<Goal | null, GoalRefusal>>;
};

/**
 * The engine's part of continuation on idle, for hosts: what comes next when a session goes idle (applying
 * the stall and error limits), starting a due continuation under the session's lock so a racing pause,
 * clear or user message wins, and recording a continuation the host could not start.
 */
export class ContinuationGate {
  constructor(private readonly deps: ContinuationGateDeps) {}

  sessionIdle(sessionID: string, facts: SessionFacts): Promise<ContinuationDecision> {
    return this.deps.lock.run(sessionID, async () => {
      let { goal, decision, now } = await this.decide(sessionID, facts);
      // A goal a ceiling stopped goes on at once when the ceiling was raised or removed (say, after a restart).
      const review =
        goal && (await ceilingReview(goal, this.deps.ceilings, this.deps.policy.wrapUpMaxOutputTokens, now));
      if (review) {
        await this.deps.applyInLock(sessionID, [review]);
        ({ goal, decision, now } = await this.decide(sessionID, facts));
      }
      switch (decision.kind) {
        case "pause":
        case "block":
          await this.deps.applyInLock(sessionID, [{ type: decision.kind, reason: decision.reason }]);
          return decision;
        case "wait": {
          const waited = await this.deps.applyInLock(sessionID, [
            { type: "wait", request: decision.request, policy: this.deps.policy },
          ]);
          // The streaks that led here are spent: after the wake the goal starts afresh.
          if (waited.ok) this.deps.memory(sessionID).continuation = initialContinuationState();
          return (await this.decide(sessionID, facts)).decision;
        }
        case "continue":
        case "waiting":
        case "none":
          return decision;
      }
    });
  }

  startContinuation(
    sessionID: string,
    host: { facts: () => SessionFacts; start: (message: ContextMessage, goal: Goal) => void },
  ): Promise<{ started: true; goal: Goal } | { started: false; decision: ContinuationDecision }> {
    return this.deps.lock.run(sessionID, async () => {
      const { goal, decision, now } = await this.decide(sessionID, host.facts());
      if (decision.kind !== "continue" || decision.at > now || !goal) return { started: false, decision };
      // No continuation starts under a ceiling it could only stop at: the goal waits for the window to turn over.
      const ceiling = await this.deps.ceilings?.blocking(sessionID, {}, this.deps.policy.wrapUpMaxOutputTokens);
      if (ceiling) {
        await this.deps.applyInLock(sessionID, [{ type: "ceiling", hit: ceiling.hit }]);
        return { started: false, decision: (await this.decide(sessionID, host.facts())).decision };
      }
      const recorded = await this.deps.applyInLock(sessionID, [{ type: "continue", turn: goal.usage.turns + 1 }]);
      if (!recorded.ok || !recorded.value) return { started: false, decision: { kind: "none", why: "goal changed" } };
      const current = recorded.value;
      this.deps.events?.emit({ type: "session.goal.continued", properties: { sessionID, goal: current } });
      // Rendered from the goal before the continuation was recorded: it still carries why it woke, told once.
      host.start(continuationMessage(goal), current);
      return { started: true, goal: current };
    });
  }

  continuationNotStarted(sessionID: string, error: string): Promise<void> {
    return this.deps.lock.run(sessionID, () => {
      const memory = this.deps.memory(sessionID);
      memory.continuation = recordTurn(memory.continuation, {
        outcome: "error",
        continuation: true,
        endedAt: this.deps.now(),
        error,
      });
    });
  }

  private async decide(sessionID: string, facts: SessionFacts) {
    const goal = await this.deps.store.get(sessionID);
    const now = this.deps.now();
    const decision = decideContinuation(goal, facts, this.deps.memory(sessionID).continuation, now, this.deps.policy);
    return { goal, decision, now };
  }
}
