import type { GoalPolicy } from "../engine-types.js";
import { GoalEngine } from "../goal-engine.js";
import { createMemoryGoalStore } from "../memory-store.js";
import type { Clock, GoalEvent, GoalEventSink, IdSource } from "../ports.js";

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

/** Sequential ids: goal-1, goal-2, ... */
export function sequentialIds(): IdSource {
  let n = 0;
  return { next: (prefix) => `${prefix}-${++n}` };
}

/** Collects emitted goal events. */
export class EventLog implements GoalEventSink {
  readonly events: GoalEvent[] = [];
  emit(event: GoalEvent): void {
    this.events.push(event);
  }
  types(): string[] {
    return this.events.map((event) => event.type);
  }
}

/** An engine on an in-memory store and a fake clock, for hosts' tests: `policy` overrides the defaults. */
export function testGoalEngine(options: { policy?: Partial<GoalPolicy> } = {}): {
  engine: GoalEngine;
  clock: FakeClock;
} {
  const clock = new FakeClock();
  const engine = new GoalEngine({
    store: createMemoryGoalStore(),
    clock,
    ids: sequentialIds(),
    ...(options.policy ? { policy: options.policy } : {}),
  });
  return { engine, clock };
}
