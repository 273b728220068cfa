import type { CeilingCommand } from "./ceiling-transitions.js";
import type { Goal } from "./goal.js";
import { SPEND_WINDOWS } from "./goal.js";
import type { SpendStore } from "./ports.js";
import {
  type CeilingRoom,
  ceilingRoom,
  earliestWindowStart,
  type SpendAmount,
  type SpendCeilings,
  type SpendReport,
  spendInWindow,
  type WindowSpend,
} from "./spend-ceilings.js";
import { estimatedInputCostUSD, type StepEstimate } from "./step-allowance.js";

export type CeilingGuardDeps = { ceilings: SpendCeilings; spend: SpendStore; now: () => number };

/**
 * The spend ceilings as the engine keeps them across sessions: what each window has spent (read from the store,
 * where every charge lands in its own transaction) plus what the steps now in flight may still spend. A step
 * holds its worst case (estimated input and output cap) from when it is allowed until it settles, so two
 * sessions cannot both take the last room under a ceiling.
 */
export class CeilingGuard {
  private readonly holds = new Map<string, SpendAmount>();
  private readonly waiters: (() => void)[] = [];
  private released = 0;

  constructor(private readonly deps: CeilingGuardDeps) {}

  get ceilings(): SpendCeilings {
    return this.deps.ceilings;
  }

  /** Each window's spend so far, charges only (what `GET /spend` shows). */
  async windows(): Promise<WindowSpend[]> {
    const now = this.deps.now();
    const days = await this.deps.spend.spendByDay(earliestWindowStart(now));
    return SPEND_WINDOWS.map((window) => spendInWindow(window, days, now));
  }

  /** Each window's spend against its ceiling, for people. */
  async report(): Promise<SpendReport> {
    const windows = await this.windows();
    return {
      windows: windows.map((spend) => {
        const ceiling = this.deps.ceilings[spend.window];
        return ceiling ? { ...spend, ceiling } : spend;
      }),
    };
  }

  /**
   * The tightest ceiling for a step of this session: `charged` counts what was charged, `held` also the worst
   * case of the steps other sessions have in flight. Undefined when no ceiling is set.
   */
  async rooms(
    sessionID: string,
    estimate: StepEstimate,
    share: number,
  ): Promise<{ charged: CeilingRoom; held: CeilingRoom } | undefined> {
    if (Object.keys(this.deps.ceilings).length === 0) return undefined;
    const windows = await this.windows();
    const charged = ceilingRoom(this.deps.ceilings, windows, estimate, share);
    const others = windows.map((spend) => this.withHolds(spend, sessionID));
    const held = ceilingRoom(this.deps.ceilings, others, estimate, share);
    return charged && held ? { charged, held } : undefined;
  }

  /**
   * The ceiling that keeps a step of this session from starting: what was charged leaves less output room than
   * `least` (a wrap-up's cap) after the step's estimated input. With no estimate: whether any step could start.
   * Steps in flight elsewhere do not count: they hold room for a moment, while a stopped goal waits for a window.
   */
  async blocking(sessionID: string, estimate: StepEstimate, least: number): Promise<CeilingRoom | undefined> {
    const rooms = await this.rooms(sessionID, estimate, 0);
    return rooms && rooms.charged.room < Math.max(1, least) ? rooms.charged : undefined;
  }

  /**
   * Whether a step of this session must wait for steps in flight elsewhere: what was charged leaves it room,
   * but their worst case does not. `settledAfter` says when to look again.
   */
  async crowded(sessionID: string, estimate: StepEstimate, least: number): Promise<boolean> {
    const rooms = await this.rooms(sessionID, estimate, 0);
    const floor = Math.max(1, least);
    return rooms !== undefined && rooms.charged.room >= floor && rooms.held.room < floor;
  }

  /** How many holds were let go so far: what `settledAfter` compares against. */
  get settlements(): number {
    return this.released;
  }

  /**
   * Resolves once a hold was let go after the `seen` count of `settlements`: at once when one already was (a step
   * that settled between a caller's look and its wait is never missed), else at the next.
   */
  settledAfter(seen: number): Promise<void> {
    if (this.released !== seen) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * A step was allowed: until it settles, its worst case (its input and the output its host may ask for, the
   * lesser of its allowance and the model's cap) counts against every other session's room.
   */
  hold(sessionID: string, estimate: StepEstimate, allowed: number | undefined): void {
    const caps = [allowed, estimate.outputCap].filter((cap): cap is number => cap !== undefined);
    if (Object.keys(this.deps.ceilings).length === 0 || caps.length === 0) return;
    const maxOutputTokens = Math.min(...caps);
    const input = Math.max(0, Math.ceil(estimate.estimatedInputTokens ?? 0));
    const prices = estimate.prices;
    const costUSD = prices ? estimatedInputCostUSD(estimate, prices) + (maxOutputTokens * prices.output) / 1e6 : 0;
    this.holds.set(sessionID, { tokens: input + maxOutputTokens, costUSD });
  }

  /** The session's step settled (its charge now counts instead) or its turn ended. */
  release(sessionID: string): void {
    if (!this.holds.delete(sessionID)) return;
    this.released++;
    for (const wake of this.waiters.splice(0)) wake();
  }

  private withHolds(spend: WindowSpend, except: string): WindowSpend {
    const spent = { ...spend.spent };
    for (const [sessionID, held] of this.holds) {
      if (sessionID === except) continue;
      spent.tokens += held.tokens;
      spent.costUSD += held.costUSD;
    }
    return { ...spend, spent };
  }
}

/**
 * What a goal a ceiling stopped needs now: to go on (its window turned over, or the ceiling was raised or removed),
 * to be held by the ceiling that binds it now (a weekly one past a daily one), or nothing yet.
 */
export async function ceilingReview(
  goal: Goal,
  guard: CeilingGuard | undefined,
  least: number,
  now: number,
): Promise<CeilingCommand | undefined> {
  const held = goal.ceiling;
  if (goal.status !== "budget_limited" || !held) return undefined;
  const cap = guard?.ceilings[held.window]?.[held.unit];
  const turnedOver = now >= held.resetsAt;
  const raised = cap === undefined || cap > held.allowed;
  // Before either, the goal stays stopped: the step it could not start would not fit now either.
  if (!turnedOver && !raised) return undefined;
  const room = await guard?.blocking(goal.sessionID, {}, least);
  if (room) return { type: "ceiling", hit: room.hit };
  const why = turnedOver
    ? `the ${held.window} ceiling turned over`
    : cap === undefined
      ? `the ${held.window} ceiling was removed`
      : `the ${held.window} ceiling was raised`;
  return { type: "ceiling_lifted", reason: why };
}
