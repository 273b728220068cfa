import type { Clock, ContextMessage, Goal, GoalEngine } from "@pursuit/core";
import { ContinuationDriver, type GoalContinuation, type RetryNotice } from "@pursuit/driver";
import { createId, LeaseLostError, type Session, type Store } from "@pursuit/store";
import type { EventBus, MessageWithParts, SessionStatus } from "./events.js";
import { markInterruptedTools } from "./interrupted-tools.js";
import { answeredElsewhere } from "./replicas/remote-events.js";
import { type SessionLeases, soleDriver } from "./replicas/session-leases.js";
import { newSessionState, type PromptWaiter, type SessionState, type TurnHandle } from "./session-state.js";
import type { TranscriptWriter } from "./transcript-writer.js";
import type { TurnResult, TurnRunner } from "./turn-runner.js";

/** Asked for a session that does not exist. */
export class SessionNotFoundError extends Error {
  readonly code = "not_found";
  constructor(readonly sessionID: string) {
    super(`session ${sessionID} does not exist`);
    this.name = "SessionNotFoundError";
  }
}

/** The runtime was closed; nothing new starts. */
export class RuntimeClosedError extends Error {
  constructor() {
    super("the runtime is closed");
    this.name = "RuntimeClosedError";
  }
}

export type SessionManagerDeps = {
  store: Store;
  engine: GoalEngine;
  bus: EventBus;
  writer: TranscriptWriter;
  runner: TurnRunner;
  clock: Clock;
  /** Which sessions this process may drive. Default: all of them (the only process on its database). */
  leases?: SessionLeases;
};

const TITLE_LENGTH = 80;

/**
 * Sessions at run time: busy/idle status, prompts (queued while a turn runs, answered by the turn that sees
 * them), abort, continuation on idle, and shutdown. Turns run in the background; their promises never reject.
 */
export class SessionManager {
  private readonly states = new Map<string, SessionState>();
  private readonly inFlight = new Set<Promise<unknown>>();
  readonly driver: ContinuationDriver;
  private readonly leases: SessionLeases;
  /** Sessions whose lease was lost, until their last turn here has ended and their state is dropped. */
  private readonly handingOver = new Map<string, Promise<void>>();
  private open = true;

  constructor(private readonly deps: SessionManagerDeps) {
    this.leases = deps.leases ?? soleDriver;
    this.driver = new ContinuationDriver(deps.engine, deps.clock, {
      // Nothing ever waits on a person in this host: it asks no permissions or questions.
      facts: (sessionID) => {
        const state = this.states.get(sessionID);
        if (!state) return { idle: false, queuedUserMessage: false, waitingOnPerson: false };
        return { idle: !state.busy, queuedUserMessage: state.pendingWaiters.length > 0, waitingOnPerson: false };
      },
      startTurn: (sessionID, message) => {
        const state = this.states.get(sessionID);
        if (state) this.launch(state, { continuation: true, context: message });
      },
      retrying: (sessionID, retry) => this.retrying(sessionID, retry),
      reportError: (sessionID, error) => this.reportError(sessionID, error),
    });
  }

  /** What happens next in the session without anyone acting. */
  continuation(sessionID: string): GoalContinuation {
    if (this.states.get(sessionID)?.busy) return { state: "running" };
    return this.driver.continuation(sessionID);
  }

  /** A failed model request waits to be retried (`notice`), or that wait is over. */
  retrying(sessionID: string, notice: RetryNotice | undefined): void {
    const state = this.states.get(sessionID);
    if (!state) return;
    if (notice) this.setStatus(state, { type: "retry", ...notice });
    else if (state.status.type === "retry") this.setStatus(state, { type: state.busy ? "busy" : "idle" });
  }

  /** No turn running and no continuation scheduled or being started, in any session. */
  quiet(): boolean {
    for (const state of this.states.values()) if (state.busy) return false;
    return this.inFlight.size === 0 && this.driver.quiet();
  }

  /** The in-memory state of a stored session, created on first use. */
  async load(sessionID: string): Promise<SessionState | undefined> {
    const known = this.states.get(sessionID);
    if (known) return known;
    const session = await this.deps.store.sessions.getSession(sessionID);
    if (!session) return undefined;
    const state = this.states.get(sessionID) ?? newSessionState(session.id, session.directory);
    this.states.set(sessionID, state);
    return state;
  }

  status(): Record<string, SessionStatus> {
    const result: Record<string, SessionStatus> = {};
    for (const state of this.states.values()) if (state.status.type !== "idle") result[state.id] = state.status;
    return result;
  }

  /** Appends the user's message and starts a turn, or queues it for the running one. */
  async prompt(
    sessionID: string,
    input: { text: string; model?: string },
  ): Promise<{ answered: Promise<MessageWithParts | undefined> }> {
    if (!this.open) throw new RuntimeClosedError();
    const state = await this.load(sessionID);
    if (!state) throw new SessionNotFoundError(sessionID);
    if (input.model) await this.rememberModel(state, input.model);
    await this.deps.writer.appendUserText(sessionID, input.text);
    let waiter!: PromptWaiter;
    const answered = new Promise<MessageWithParts | undefined>((resolve) => {
      waiter = { resolve };
    });
    // The lease is taken (if need be) before the turn starts; the session may have become busy meanwhile.
    const turn = state.busy
      ? undefined
      : await this.leases.drive(sessionID, state.directory, async () =>
          state.busy ? undefined : this.launch(state, { continuation: false }),
        );
    if (turn) turn.waiters.push(waiter);
    else if (state.busy) state.pendingWaiters.push(waiter);
    // Another replica drives the session: it hears of the message and answers it; its going idle reaches here.
    else void answeredElsewhere(this.deps.bus, this.deps.store, sessionID).then(waiter.resolve);
    return { answered };
  }

  /** Stops the running turn (stream and tools), cancels a scheduled continuation, pauses an active goal. */
  async abort(sessionID: string): Promise<boolean> {
    const state = await this.load(sessionID);
    if (!state) return false;
    this.driver.cancel(sessionID);
    if (!state.turn) await this.deps.engine.aborted(sessionID);
    // A continuation may have started while the pause waited for the engine's lock: stop it too. A turn that
    // answers a prompt sent meanwhile is the person's own, and runs.
    let turn = state.turn;
    while (turn) {
      turn.stop = "user";
      turn.controller.abort();
      await turn.done;
      turn = state.turn?.continuation ? state.turn : undefined;
    }
    return true;
  }

  /** A person changed the goal: start work at once if it is active and the session idle, else drop the timer. */
  async goalChanged(sessionID: string, goal: Goal | null): Promise<void> {
    const state = await this.load(sessionID);
    if (!state) return;
    if (goal?.status === "active" || goal?.status === "waiting") {
      // An active goal continues; a waiting one has its alarm set again (its wait may have changed).
      if (!state.busy) await this.track(this.whenDriven(state, () => this.driver.sessionIdle(sessionID)));
    } else {
      this.driver.cancel(sessionID);
      // A continuation waiting to retry a failed request stops waiting: nothing more is sent for this goal.
      if (state.turn?.continuation) state.turn.retryWait.abort();
    }
  }

  /** A new goal names an untitled session. */
  async titleFromGoal(sessionID: string, goal: Goal): Promise<void> {
    const session = await this.deps.store.sessions.getSession(sessionID);
    if (session?.title.trim() !== "") return;
    const firstLine = goal.objective.split("\n")[0]?.trim() ?? "";
    const title = firstLine.length > TITLE_LENGTH ? `${firstLine.slice(0, TITLE_LENGTH - 3)}...` : firstLine;
    const info = await this.deps.store.sessions.updateSession(sessionID, { title });
    this.deps.bus.emit({ type: "session.updated", properties: { info } });
  }

  /** Active goals of idle sessions resume after a start (fresh counters; downtime is never charged). */
  async recover(): Promise<void> {
    const goals = await this.deps.engine.recover();
    for (const goal of goals) {
      const state = await this.load(goal.sessionID);
      if (state) await this.track(this.driver.sessionIdle(goal.sessionID));
    }
  }

  /**
   * This replica just took the session's lease (at start, or after its holder died): the steps the previous
   * holder left reserved are charged, and its live goal goes on here. Runs under the new lease.
   */
  async takeOver(sessionID: string): Promise<void> {
    // Taken back soon after losing it (this replica stalled past its lease): the old turn ends first.
    await this.handingOver.get(sessionID);
    if (!this.open) return;
    const state = await this.load(sessionID);
    if (!state) return;
    await state.turn?.done;
    if (state.busy) return;
    // What this process knew of the session while another drove it (a person's goal set here) is stale.
    this.deps.engine.forget(sessionID);
    const goals = await this.deps.engine.recover([sessionID]);
    if (goals.length > 0) await this.track(this.driver.sessionIdle(sessionID));
  }

  /**
   * This replica lost the session's lease (it froze past it, or could not reach the database): it stops driving
   * the session at once, leaving the goal as it is for the replica that takes it, and forgets what it knew.
   */
  handOver(sessionID: string): void {
    this.driver.cancel(sessionID);
    const state = this.states.get(sessionID);
    const turn = state?.turn;
    if (turn) {
      turn.stop = "handed_over";
      turn.controller.abort();
    }
    const handedOver = (turn?.done ?? Promise.resolve()).then(() => {
      if (this.states.get(sessionID) === state) this.states.delete(sessionID);
      this.deps.engine.forget(sessionID);
      if (this.handingOver.get(sessionID) === handedOver) this.handingOver.delete(sessionID);
    });
    this.handingOver.set(sessionID, handedOver);
    void this.track(handedOver);
  }

  async delete(sessionID: string): Promise<{ deleted: Session[]; clearedGoals: string[] }> {
    const state = this.states.get(sessionID);
    if (state) {
      this.driver.cancel(sessionID);
      while (state.turn) {
        const turn = state.turn;
        turn.stop = "deleted";
        turn.controller.abort();
        await turn.done;
      }
    }
    const sessions = await this.deps.store.sessions.listSessions();
    const result = await this.deps.store.sessions.deleteSession(sessionID);
    for (const id of result.sessionIDs) {
      this.states.delete(id);
      this.deps.engine.forget(id);
    }
    return {
      deleted: sessions.filter((session) => result.sessionIDs.includes(session.id)),
      clearedGoals: result.clearedGoalSessionIDs,
    };
  }

  /** Stops every turn (the goals stay active for the next start), clears timers, waits for all work. */
  async close(): Promise<void> {
    this.open = false;
    await this.driver.close();
    const turns: Promise<void>[] = [];
    for (const state of this.states.values()) {
      if (!state.turn) continue;
      state.turn.stop = "shutdown";
      state.turn.controller.abort();
      turns.push(state.turn.done);
    }
    await Promise.all(turns);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Whether this process drives the session now (always, when it is the only one on its database). */
  holds(sessionID: string): boolean {
    return this.leases.holds(sessionID);
  }

  /**
   * A person's message another replica stored for a session this one drives: a turn here answers it (the
   * person's replica waits for that answer itself).
   */
  async promptStored(sessionID: string): Promise<void> {
    const state = await this.load(sessionID);
    if (!state || !this.open) return;
    const answeredThere: PromptWaiter = { resolve: () => {} };
    if (state.busy) state.pendingWaiters.push(answeredThere);
    else {
      await this.leases.drive(state.id, state.directory, async () => {
        if (state.busy) state.pendingWaiters.push(answeredThere);
        else this.launch(state, { continuation: false });
      });
    }
  }

  /** Work that drives the session (a continuation's decision, a wait's alarm), under its lease if it is held here. */
  private async whenDriven(state: SessionState, work: () => Promise<void>): Promise<void> {
    await this.leases.drive(state.id, state.directory, work);
  }

  private async track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /**
   * Starts a turn in the background. Marks the session busy before returning, so a continuation that
   * races with it (or a second prompt) sees the session busy.
   */
  private launch(state: SessionState, options: { continuation: boolean; context?: ContextMessage }): TurnHandle {
    state.busy = true;
    this.driver.cancel(state.id);
    const controller = new AbortController();
    const retryWait = new AbortController();
    controller.signal.addEventListener("abort", () => retryWait.abort(), { once: true });
    const turn: TurnHandle = {
      id: createId("turn"),
      continuation: options.continuation,
      controller,
      retryWait,
      waiters: [],
      done: Promise.resolve(),
    };
    state.turn = turn;
    this.setStatus(state, { type: "busy" });
    turn.done = this.drive(state, turn, options.context);
    return turn;
  }

  private async drive(state: SessionState, turn: TurnHandle, context?: ContextMessage): Promise<void> {
    let result: TurnResult = { outcome: "error" };
    try {
      // Tool calls a previous process (or replica) left unfinished are marked interrupted, once per process.
      if (!state.repaired) {
        state.repaired = true;
        await markInterruptedTools(this.deps.store, this.deps.writer, this.deps.clock, state.id);
      }
      if (context) await this.deps.writer.appendContext(state.id, [context]);
      if (state.model === undefined) {
        const session = await this.deps.store.sessions.getSession(state.id);
        state.model = typeof session?.metadata.model === "string" ? session.metadata.model : null;
      }
      result = await this.deps.runner.run(state, turn, state.model ? { modelRef: state.model } : {});
    } catch (error) {
      // Another replica took the session over mid-turn: its writes were refused, and that replica goes on.
      if (error instanceof LeaseLostError) turn.stop = "handed_over";
      else this.reportError(state.id, error);
    }
    state.turn = undefined;
    try {
      await this.afterTurn(state, turn, result);
    } catch (error) {
      for (const waiter of [...turn.waiters, ...state.pendingWaiters.splice(0)]) waiter.resolve(undefined);
      state.busy = false;
      this.reportError(state.id, error);
    }
  }

  /** Answers the turn's prompts, then runs the next queued prompt or goes idle and asks what comes next. */
  private async afterTurn(state: SessionState, turn: TurnHandle, result: TurnResult): Promise<void> {
    const waiting = turn.waiters.length > 0 || state.pendingWaiters.length > 0;
    const last =
      waiting && result.lastAssistantID
        ? await this.deps.store.messages.getMessage(result.lastAssistantID).catch(() => undefined)
        : undefined;
    for (const waiter of turn.waiters) waiter.resolve(last);
    if (turn.stop === "shutdown" || turn.stop === "deleted" || turn.stop === "handed_over") {
      for (const waiter of state.pendingWaiters.splice(0)) waiter.resolve(last);
      state.busy = false;
      state.status = { type: "idle" };
      return;
    }
    if (state.pendingWaiters.length > 0 && this.open) {
      // A message arrived after the last step started (or while a person aborted the turn): a new turn answers it.
      const next = this.launch(state, { continuation: false });
      next.waiters.push(...state.pendingWaiters.splice(0));
      return;
    }
    for (const waiter of state.pendingWaiters.splice(0)) waiter.resolve(last);
    state.busy = false;
    this.setStatus(state, { type: "idle" });
    this.deps.bus.emit({ type: "session.idle", properties: { sessionID: state.id } });
    if (turn.stop !== "user") await this.track(this.driver.sessionIdle(state.id));
  }

  private reportError(sessionID: string, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.deps.bus.emit({ type: "session.error", properties: { sessionID, error: { name: "RuntimeError", message } } });
  }

  private setStatus(state: SessionState, status: SessionStatus): void {
    state.status = status;
    this.deps.bus.emit({ type: "session.status", properties: { sessionID: state.id, status } });
  }

  private async rememberModel(state: SessionState, model: string): Promise<void> {
    if (state.model === model) return;
    state.model = model;
    const sessionID = state.id;
    const session = await this.deps.store.sessions.getSession(sessionID);
    if (!session || session.metadata.model === model) return;
    const info = await this.deps.store.sessions.updateSession(sessionID, { metadata: { ...session.metadata, model } });
    this.deps.bus.emit({ type: "session.updated", properties: { info } });
  }
}
