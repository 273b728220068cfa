import type { Runtime } from "@pursuit/agent";

/**
 * What the HTTP API needs of the agent runtime. Type-only, so building the OpenAPI document never loads the
 * agent, and the routes are honest about what they touch.
 */
export type ApiRuntime = Pick<
  Runtime,
  "sessions" | "prompt" | "promptAsync" | "abort" | "status" | "goals" | "subscribe" | "spend"
>;

export type ApiEvent = Parameters<Parameters<Runtime["subscribe"]>[0]>[0];

/**
 * What the goal routes alone need: any host with sessions and goals (the OpenCode plugin serves them too);
 * with `subscribe`, GET /event streams its goal events.
 */
export type GoalApiRuntime = {
  sessions: { get(id: string): Promise<unknown> };
  goals: Runtime["goals"];
  /** Spend across all goals against the ceilings (GET /spend). */
  spend: Runtime["spend"];
  subscribe?: (listener: (event: Extract<ApiEvent, { type: `session.goal.${string}` }>) => void) => () => void;
};
