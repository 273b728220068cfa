import { describe, expect, it } from "vitest";
import { parsePluginOptions } from "./plugin-options.js";

describe("plugin options", () => {
  it("takes the stream idle timeout as a duration or milliseconds, 120 s by default", () => {
    const env = { XDG_DATA_HOME: "/data" };
    expect(parsePluginOptions({}, env)).toMatchObject({ ok: true, value: { streamIdleTimeoutMs: 120_000 } });
    expect(parsePluginOptions({ streamIdleTimeout: "15s" }, env)).toMatchObject({
      ok: true,
      value: { streamIdleTimeoutMs: 15_000 },
    });
    expect(parsePluginOptions({ streamIdleTimeout: 30_000 }, env)).toMatchObject({
      ok: true,
      value: { streamIdleTimeoutMs: 30_000 },
    });
  });

  it("takes webhooks as pursuit.json does, secrets included, naming a bad one's field", () => {
    const webhooks = [{ url: "https://ntfy.sh/goals", secret: "s", events: ["goal.complete"], format: "json" }];
    expect(parsePluginOptions({ webhooks })).toMatchObject({ ok: true, value: { webhooks } });
    expect(parsePluginOptions({})).toMatchObject({ ok: true, value: { webhooks: [] } });
    expect(parsePluginOptions({ webhooks: [{ url: "https://x", events: ["done"] }] })).toEqual({
      ok: false,
      error: expect.stringContaining('opencode-pursuit option webhooks.0.events has "done"'),
    });
  });

  it("names the option and the problem on bad input", () => {
    expect(parsePluginOptions({ streamIdleTimeout: "15" })).toEqual({
      ok: false,
      error: expect.stringMatching(/streamIdleTimeout.*needs a unit/),
    });
    expect(parsePluginOptions({ streamIdleTimeout: -1 })).toEqual({
      ok: false,
      error: expect.stringMatching(/streamIdleTimeout/),
    });
    expect(parsePluginOptions({ idleTimeout: "15s" })).toEqual({
      ok: false,
      error: expect.stringContaining('unknown option "idleTimeout"'),
    });
  });
});
