import { createRuntime, type Runtime } from "@pursuit/agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, openApiDocument, type RunningServer } from "../src/index.js";

/** Reads SSE `data:` payloads from a response body until `enough` says stop. */
async function readEvents(response: Response, enough: (events: { type: string }[]) => boolean) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { type: string; properties: Record<string, unknown> }[] = [];
  let buffer = "";
  while (!enough(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf("\n\n");
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      if (data) events.push(JSON.parse(data));
      boundary = buffer.indexOf("\n\n");
    }
  }
  await reader.cancel();
  return events;
}

describe("routes that need no model: events, the document, and a prompt that cannot run", () => {
  let runtime: Runtime;
  let server: RunningServer;

  beforeAll(async () => {
    // No model is needed: these routes only stream events and describe the API.
    runtime = await createRuntime({ database: ":memory:", directory: process.cwd(), config: {}, recover: false });
    server = await createServer({ runtime, password: "", heartbeatMs: 100 }).serve({ port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await runtime?.close();
  });

  it("greets, relays runtime events as they happen, and sends heartbeats", async () => {
    const response = await fetch(`${server.url}/event`);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reading = readEvents(response, (events) => events.filter((e) => e.type === "server.heartbeat").length >= 2);
    const session = await runtime.sessions.create({ title: "watched" });
    const events = await reading;
    expect(events[0]?.type).toBe("server.connected");
    const created = events.find((event) => event.type === "session.created");
    expect(created?.properties).toMatchObject({ info: { id: session.id, title: "watched" } });
  });

  it("serves the same OpenAPI document the SDK is generated from", async () => {
    const response = await fetch(`${server.url}/doc`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it("answers a prompt that cannot run with 502 and the cause, not a 500", async () => {
    const session = await runtime.sessions.create({});
    const response = await fetch(`${server.url}/session/${session.id}/message`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "hello" }),
    });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("turn_failed");
    expect(body.error.message).toMatch(/model/i);
  });
});

describe("GET /spend", () => {
  it("answers each window's spend with its configured ceiling, UTC-aligned", async () => {
    const runtime = await createRuntime({
      database: ":memory:",
      directory: process.cwd(),
      config: { spendCeilings: { daily: { tokens: 2_000_000, costUSD: 20 } } },
      recover: false,
    });
    const server = await createServer({ runtime, password: "" }).serve({ port: 0 });
    try {
      const response = await fetch(`${server.url}/spend`);
      expect(response.status).toBe(200);
      const { windows } = (await response.json()) as {
        windows: { window: string; start: number; end: number; spent: unknown; ceiling?: unknown }[];
      };
      expect(windows.map((window) => window.window)).toEqual(["daily", "weekly"]);
      const [daily, weekly] = windows;
      expect(daily).toMatchObject({ spent: { tokens: 0, costUSD: 0 }, ceiling: { tokens: 2_000_000, costUSD: 20 } });
      expect(daily!.start % 86_400_000).toBe(0);
      expect(daily!.end - daily!.start).toBe(86_400_000);
      expect(new Date(weekly!.start).getUTCDay()).toBe(1);
      expect(weekly!.ceiling).toBeUndefined();
    } finally {
      await server.close();
      await runtime.close();
    }
  });
});
