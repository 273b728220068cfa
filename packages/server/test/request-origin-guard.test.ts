import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGoalApi, type GoalApiRuntime } from "../src/index.js";
import { type ApiFixture, startApi } from "./api-fixture.js";

/** A raw request, so the test can send any Host header (fetch may not). */
function send(
  url: string,
  path: string,
  headers: Record<string, string>,
  method = "GET",
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ hostname, port, path, method, headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    outgoing.on("error", reject);
    outgoing.end(method === "POST" ? "{}" : undefined);
  });
}

describe("requests from web pages", () => {
  let api: ApiFixture;
  let port: string;
  beforeAll(async () => {
    api = await startApi({ behaviour: [{ text: "ok" }] });
    port = new URL(api.url).port;
  });
  afterAll(async () => api?.close());

  it("serves loopback Host names, with their port", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
      expect((await send(api.url, "/goal", { host })).status, host).toBe(200);
    }
  });

  it("refuses any other Host without a password (a DNS-rebound page), changing nothing", async () => {
    for (const host of ["attacker.example", `attacker.example:${port}`, "127.0.0.1.nip.io", "0.0.0.0"]) {
      const answer = await send(api.url, "/session", { host, "content-type": "application/json" }, "POST");
      expect(answer.status, host).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "forbidden_origin", field: "host" } });
    }
    expect(await api.runtime.sessions.list()).toEqual([]);
  });

  it("refuses a foreign Origin and cross-site fetches, and sends no CORS headers", async () => {
    const host = `127.0.0.1:${port}`;
    for (const origin of ["http://evil.example", `http://localhost:${port}`, "null", `https://127.0.0.1:1`]) {
      const answer = await send(api.url, "/session", { host, origin, "content-type": "application/json" }, "POST");
      expect(answer.status, origin).toBe(403);
      expect(answer.body).toContain("other sites");
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
    const crossSite = await send(api.url, "/goal", { host, "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(await api.runtime.sessions.list()).toEqual([]);
  });

  it("serves the server's own pages (same Origin)", async () => {
    const host = `127.0.0.1:${port}`;
    const answer = await send(api.url, "/goal", { host, origin: `http://${host}`, "sec-fetch-site": "same-origin" });
    expect(answer.status).toBe(200);
  });
});

describe("requests from web pages, with a password", () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi({ behaviour: [{ text: "ok" }], password: "correct horse" });
  });
  afterAll(async () => api?.close());

  it("serves any Host name to a client that knows the password, but never a foreign Origin", async () => {
    const authorization = "Bearer correct horse";
    expect((await send(api.url, "/goal", { host: "pursuit.lan:4096", authorization })).status).toBe(200);
    const foreign = await send(api.url, "/goal", {
      host: "pursuit.lan:4096",
      authorization,
      origin: "http://evil.example",
    });
    expect(foreign.status).toBe(403);
  });
});

describe("the goal API other hosts serve (the OpenCode plugin's)", () => {
  it("refuses foreign Host names and Origins the same way", async () => {
    const runtime = {
      sessions: { get: async () => ({ id: "ses_1" }) },
      goals: {} as GoalApiRuntime["goals"],
      spend: async () => ({ windows: [] }),
    };
    const { app } = createGoalApi({ runtime, password: "" });
    const rebound = await app.request("http://attacker.example/goal");
    expect(rebound.status).toBe(403);
    const foreign = await app.request("http://127.0.0.1:4097/goal", { headers: { origin: "http://evil.example" } });
    expect(foreign.status).toBe(403);
  });
});
