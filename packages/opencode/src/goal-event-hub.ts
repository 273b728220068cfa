import type { GoalEvent, GoalEventSink } from "@pursuit/core";

export type GoalEventListener = (event: GoalEvent) => void;

/**
 * The engine's goal events, handed to whoever listens: the goal API's event stream, which keeps the web app
 * live for OpenCode sessions. A listener that throws is logged and does not stop the others.
 */
export class GoalEventHub implements GoalEventSink {
  private listeners: GoalEventListener[] = [];

  constructor(private readonly log: (message: string) => void = () => {}) {}

  emit(event: GoalEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`a goal event listener failed on ${event.type}: ${String(error)}`);
      }
    }
  }

  subscribe(listener: GoalEventListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((entry) => entry !== listener);
    };
  }
}
