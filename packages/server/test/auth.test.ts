import { get } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BindRefusedError, createServer, isLoopbackHostname } from "../src/index.js";
import { type ApiFixture, startApi } from "./api-fixture.js";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("with a password", () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi({ behaviour: [{ text: "ok" }], password: "correct horse" });
  });
  afterAll(async () => {
    await api?.close();
  });

  const status = async (path: string, authorization?: string) =>
    (await fetch(api.url + path, authorization ? { headers: { authorization } } : {})).status;

  it("refuses requests without it, naming how to send it", async () => {
    const response = await fetch(`${api.url}/session`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthorized");
    expect(body.error.message).toMatch(/Basic.*Bearer/);
  });

  it("sends no Basic challenge to a web page's own fetch, so the app shows its sign-in form, not the browser's dialog", async () => {
    // node:http, since fetch sets the Sec-Fetch headers itself.
    const challenge = (headers: Record<string, string>) =>
      new Promise<{ status?: number; challenge?: string }>((resolve, reject) => {
        get(`${api.url}/session/status`, { headers }, (response) => {
          response.resume();
          resolve({ status: response.statusCode, challenge: response.headers["www-authenticate"] });
        }).on("error", reject);
      });
    expect(await challenge({ "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" })).toEqual({ status: 401 });
    const opened = await challenge({ "sec-fetch-site": "none", "sec-fetch-mode": "navigate" });
    expect(opened).toMatchObject({ status: 401, challenge: expect.stringMatching(/^Basic/) });
  });

  it("guards every route, the document and the event stream included", async () => {
    for (const path of ["/doc", "/event", "/goal", "/session/status", "/session/ses_x/goal", "/no/such/route"]) {
      expect(await status(path), path).toBe(401);
    }
  });

  it("refuses a wrong password in either scheme", async () => {
    expect(await status("/session", "Bearer correct horse!")).toBe(401);
    expect(await status("/session", basic("me", "wrong"))).toBe(401);
    expect(await status("/session", "Token correct horse")).toBe(401);
  });

  it("accepts it as Bearer or as Basic with any user name", async () => {
    expect(await status("/session", "Bearer correct horse")).toBe(200);
    expect(await status("/session", basic("anyone", "correct horse"))).toBe(200);
    expect(await status("/session", basic("", "correct horse"))).toBe(200);
  });
});

describe("without a password", () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await startApi({ behaviour: [{ text: "ok" }] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("answers on loopback without credentials", async () => {
    expect(api.server.hostname).toBe("127.0.0.1");
    expect((await fetch(`${api.url}/session`)).status).toBe(200);
  });

  it("refuses to listen on a non-loopback address, explaining why and what to do", async () => {
    const server = createServer({ runtime: api.runtime, password: "" });
    const attempt = server.serve({ hostname: "0.0.0.0", port: 0 });
    await expect(attempt).rejects.toBeInstanceOf(BindRefusedError);
    await expect(attempt).rejects.toThrow(/PURSUIT_SERVER_PASSWORD/);
  });

  it("listens on a non-loopback address once a password is set", async () => {
    const running = await createServer({ runtime: api.runtime, password: "pw" }).serve({
      hostname: "0.0.0.0",
      port: 0,
    });
    try {
      const response = await fetch(`http://127.0.0.1:${running.port}/session`, {
        headers: { authorization: "Bearer pw" },
      });
      expect(response.status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe("isLoopbackHostname", () => {
  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["localhost", true],
    ["::1", true],
    ["[::1]", true],
    ["::ffff:127.0.0.1", true],
    ["0.0.0.0", false],
    ["::", false],
    ["192.168.1.10", false],
    ["example.com", false],
    ["127.0.0.1.example.com", false],
  ])("%s -> %s", (hostname, loopback) => {
    expect(isLoopbackHostname(hostname)).toBe(loopback);
  });
});
