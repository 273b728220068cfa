import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiFixture, startApi, waitUntilIdle } from "./api-fixture.js";

/**
 * Bad input never reaches the engine and never changes anything: each request below is answered 4xx with
 * `{"error":{"code","message"}}` (naming the field where there is one), and every stored thing is the same
 * afterwards. `withGoal` has a paused goal; `noGoal` has none (so a wrongly accepted POST would create one).
 */
type Case = {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  path: (ids: { withGoal: string; noGoal: string }) => string;
  /** A string is sent as-is; anything else as JSON. */
  body?: unknown;
  contentType?: string | null;
  status: number;
  code?: string;
  field?: string;
};

const goalOf = (key: "withGoal" | "noGoal") => (ids: { withGoal: string; noGoal: string }) =>
  `/session/${ids[key]}/goal`;
const post = goalOf("noGoal");
const patch = goalOf("withGoal");

const CASES: Case[] = [
  { name: "malformed JSON", method: "POST", path: post, body: "{bad", status: 400, code: "invalid_json" },
  { name: "truncated JSON", method: "POST", path: post, body: '{"objective":', status: 400, code: "invalid_json" },
  { name: "empty JSON body", method: "POST", path: post, body: "", status: 400 },
  { name: "text/plain body", method: "POST", path: post, body: "objective", contentType: "text/plain", status: 415 },
  { name: "body without content type", method: "POST", path: post, body: "{}", contentType: null, status: 415 },
  { name: "body is an array", method: "POST", path: post, body: [], status: 400 },
  { name: "body is a string", method: "POST", path: post, body: '"write tests"', status: 400 },
  { name: "body is null", method: "POST", path: post, body: "null", status: 400 },
  { name: "objective missing", method: "POST", path: post, body: {}, status: 400, field: "objective" },
  { name: "objective a number", method: "POST", path: post, body: { objective: 5 }, status: 400, field: "objective" },
  { name: "objective empty", method: "POST", path: post, body: { objective: "" }, status: 400, field: "objective" },
  { name: "objective blank", method: "POST", path: post, body: { objective: "   " }, status: 400, field: "objective" },
  {
    name: "objective oversize",
    method: "POST",
    path: post,
    body: { objective: "x".repeat(4001) },
    status: 400,
    field: "objective",
  },
  {
    name: "misspelt field",
    method: "POST",
    path: post,
    body: { objectve: "write tests", objective: "write tests" },
    status: 400,
    field: "objectve",
  },
  {
    name: "limits a string",
    method: "POST",
    path: post,
    body: { objective: "x", limits: "200k" },
    status: 400,
    field: "limits",
  },
  {
    name: "a dollar limit on a model with no known price",
    method: "POST",
    path: post,
    body: { objective: "x", limits: { costUSD: 0.5 } },
    status: 400,
    field: "limits.costUSD",
  },
  {
    name: "a dollar limit added to a goal whose model has no known price",
    method: "PATCH",
    path: patch,
    body: { limits: { costUSD: 2 } },
    status: 400,
    field: "limits.costUSD",
  },
  ...(
    [
      ["tokens", -1],
      ["tokens", 0],
      ["tokens", 1.5],
      ["tokens", "200k"],
      ["turns", -3],
      ["seconds", "30m"],
      ["costUSD", -0.5],
    ] as const
  ).map(
    ([limit, value]): Case => ({
      name: `limits.${limit} = ${JSON.stringify(value)}`,
      method: "POST",
      path: post,
      body: { objective: "x", limits: { [limit]: value } },
      status: 400,
      field: `limits.${limit}`,
    }),
  ),
  {
    name: "limits.tokens overflows to Infinity",
    method: "POST",
    path: post,
    body: '{"objective":"x","limits":{"tokens":1e999}}',
    status: 400,
    field: "limits.tokens",
  },
  {
    name: "unknown limit",
    method: "POST",
    path: post,
    body: { objective: "x", limits: { dollars: 3 } },
    status: 400,
    field: "limits.dollars",
  },
  {
    name: "verify a number",
    method: "POST",
    path: post,
    body: { objective: "x", verify: 42 },
    status: 400,
    field: "verify",
  },
  {
    name: "a wait bound past a week",
    method: "POST",
    path: post,
    body: { objective: "x", maxWaitSeconds: 8 * 24 * 3600 },
    status: 400,
    field: "maxWaitSeconds",
  },
  {
    name: "a wait bound as text",
    method: "POST",
    path: post,
    body: { objective: "x", maxWaitSeconds: "1h" },
    status: 400,
    field: "maxWaitSeconds",
  },
  {
    name: "criteria not a list",
    method: "POST",
    path: post,
    body: { objective: "x", criteria: "tests pass" },
    status: 400,
    field: "criteria",
  },
  {
    name: "21 criteria",
    method: "POST",
    path: post,
    body: { objective: "x", criteria: Array.from({ length: 21 }, (_, i) => `c${i}`) },
    status: 400,
    field: "criteria",
  },
  {
    name: "a criterion with an unknown key",
    method: "POST",
    path: post,
    body: { objective: "x", criteria: [{ text: "a", command: "ls" }] },
    status: 400,
    field: "criteria.0.command",
  },
  {
    name: "a criterion repeated",
    method: "POST",
    path: post,
    body: { objective: "x", criteria: ["tests pass", " tests pass "] },
    status: 400,
    field: "criteria.1.text",
  },
  {
    name: "a criteria edit with a blank one",
    method: "PATCH",
    path: patch,
    body: { criteria: ["fine", "  "] },
    status: 400,
    field: "criteria.1.text",
  },
  {
    name: "verify empty",
    method: "POST",
    path: post,
    body: { objective: "x", verify: "" },
    status: 400,
    field: "verify",
  },
  {
    name: "__proto__ key",
    method: "POST",
    path: post,
    body: '{"objective":"x","__proto__":{"status":"complete"}}',
    status: 400,
  },
  {
    name: "goal for an unknown session",
    method: "POST",
    path: () => "/session/ses_missing/goal",
    body: { objective: "x" },
    status: 404,
    code: "session_not_found",
  },
  { name: "empty patch", method: "PATCH", path: patch, body: {}, status: 400 },
  { name: "patch malformed JSON", method: "PATCH", path: patch, body: "{", status: 400, code: "invalid_json" },
  {
    name: "patch status unknown",
    method: "PATCH",
    path: patch,
    body: { status: "done" },
    status: 400,
    field: "status",
  },
  {
    name: "patch status budget_limited",
    method: "PATCH",
    path: patch,
    body: { status: "budget_limited" },
    status: 400,
    field: "status",
  },
  {
    name: "patch objective empty",
    method: "PATCH",
    path: patch,
    body: { objective: "" },
    status: 400,
    field: "objective",
  },
  { name: "patch limits null", method: "PATCH", path: patch, body: { limits: null }, status: 400, field: "limits" },
  {
    name: "patch limits.tokens negative",
    method: "PATCH",
    path: patch,
    body: { limits: { tokens: -5 } },
    status: 400,
    field: "limits.tokens",
  },
  { name: "patch verify a number", method: "PATCH", path: patch, body: { verify: 7 }, status: 400, field: "verify" },
  {
    name: "patch unknown field",
    method: "PATCH",
    path: patch,
    body: { status: "active", priority: 1 },
    status: 400,
    field: "priority",
  },
  {
    name: "patch a session without a goal",
    method: "PATCH",
    path: goalOf("noGoal"),
    body: { status: "paused" },
    status: 404,
    code: "goal_not_found",
  },
  {
    name: "patch an unknown session",
    method: "PATCH",
    path: () => "/session/ses_missing/goal",
    body: { status: "paused" },
    status: 404,
  },
  { name: "clear a session without a goal", method: "DELETE", path: goalOf("noGoal"), status: 404 },
  { name: "clear an unknown session's goal", method: "DELETE", path: () => "/session/ses_missing/goal", status: 404 },
  { name: "goal of an unknown session", method: "GET", path: () => "/session/ses_missing/goal", status: 404 },
  {
    name: "history of an unknown session",
    method: "GET",
    path: () => "/session/ses_missing/goal/history",
    status: 404,
  },
  {
    name: "goal list with a bad status",
    method: "GET",
    path: () => "/goal?status=bogus",
    status: 400,
    field: "status",
  },
  {
    name: "message with empty text",
    method: "POST",
    path: (ids) => `/session/${ids.noGoal}/message`,
    body: { text: "" },
    status: 400,
    field: "text",
  },
  {
    name: "message text a number",
    method: "POST",
    path: (ids) => `/session/${ids.noGoal}/message`,
    body: { text: 1 },
    status: 400,
    field: "text",
  },
  {
    name: "message model without provider",
    method: "POST",
    path: (ids) => `/session/${ids.noGoal}/prompt_async`,
    body: { text: "hi", model: "gpt" },
    status: 400,
    field: "model",
  },
  {
    name: "message to an unknown session",
    method: "POST",
    path: () => "/session/ses_missing/message",
    body: { text: "hi" },
    status: 404,
  },
  {
    name: "prompt_async malformed JSON",
    method: "POST",
    path: (ids) => `/session/${ids.noGoal}/prompt_async`,
    body: "[",
    status: 400,
  },
  {
    name: "session with a numeric title",
    method: "POST",
    path: () => "/session",
    body: { title: 3 },
    status: 400,
    field: "title",
  },
  {
    name: "session with an unknown field",
    method: "POST",
    path: () => "/session",
    body: { cwd: "/" },
    status: 400,
    field: "cwd",
  },
  {
    name: "session in a missing directory",
    method: "POST",
    path: () => "/session",
    body: { directory: "/no/such/directory" },
    status: 400,
    field: "directory",
  },
  { name: "unknown session", method: "GET", path: () => "/session/ses_missing", status: 404 },
  { name: "delete an unknown session", method: "DELETE", path: () => "/session/ses_missing", status: 404 },
  { name: "abort an unknown session", method: "POST", path: () => "/session/ses_missing/abort", status: 404 },
  { name: "unknown route", method: "GET", path: () => "/sessions", status: 404, code: "route_not_found" },
  { name: "unsupported method", method: "PUT", path: patch, body: { objective: "x" }, status: 404 },
];

describe("malformed requests", () => {
  let api: ApiFixture;
  const ids = { withGoal: "", noGoal: "" };
  let before: unknown;

  /** Everything a bad request could have changed. */
  async function snapshot() {
    const { runtime } = api;
    const sessions = await runtime.sessions.list();
    return {
      sessions,
      goals: await runtime.goals.list(),
      perSession: await Promise.all(
        sessions.map(async (session) => ({
          goal: await runtime.goals.get(session.id),
          history: await runtime.goals.history(session.id),
          messages: (await runtime.sessions.messages(session.id)).length,
        })),
      ),
    };
  }

  beforeAll(async () => {
    api = await startApi({ behaviour: [{ text: "Looking into it." }] });
    ids.withGoal = (await api.runtime.sessions.create({ title: "has a goal" })).id;
    ids.noGoal = (await api.runtime.sessions.create({ title: "no goal" })).id;
    const created = await api.runtime.goals.create(ids.withGoal, {
      objective: "write the tests",
      limits: { turns: 5 },
    });
    expect(created.ok).toBe(true);
    expect((await api.runtime.goals.update(ids.withGoal, { status: "paused", reason: "test setup" })).ok).toBe(true);
    await waitUntilIdle(api.runtime);
    before = await snapshot();
  });

  afterAll(async () => {
    await api?.close();
  });

  it.each(CASES)("$name -> $status", async (testCase) => {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (testCase.body !== undefined) {
      body = typeof testCase.body === "string" ? testCase.body : JSON.stringify(testCase.body);
      if (testCase.contentType !== null) headers["content-type"] = testCase.contentType ?? "application/json";
    }
    const response = await fetch(api.url + testCase.path(ids), {
      method: testCase.method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    expect(response.status).toBe(testCase.status);
    const answer = (await response.json()) as { error: { code: string; message: string; field?: string } };
    expect(answer.error.code).toMatch(/^[a-z_]+$/);
    expect(answer.error.message.length).toBeGreaterThan(5);
    if (testCase.code) expect(answer.error.code).toBe(testCase.code);
    if (testCase.field) {
      expect(answer.error.field).toBe(testCase.field);
      expect(answer.error.message).toContain(testCase.field);
    }
  });

  it("left every session, goal, history row and message as it was", async () => {
    await waitUntilIdle(api.runtime);
    expect(await snapshot()).toEqual(before);
  });
});
