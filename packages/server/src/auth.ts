import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { apiError } from "./api-error.js";

/**
 * With a password configured every request must carry it, as HTTP Basic (any user name) or as a Bearer token.
 * Without one the middleware lets everything through (the server then only binds to loopback).
 */
export function passwordAuth(password: string | undefined): MiddlewareHandler {
  if (!password) return async (_c, next) => next();
  const expected = digest(password);
  return async (c, next) => {
    const given = presentedPassword(c.req.header("authorization"));
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    const error = apiError(
      401,
      "unauthorized",
      given === undefined
        ? "this server needs a password: send it as Basic auth (any user) or as a Bearer token"
        : "wrong password",
      "authorization",
    );
    // A page's own fetch (the web app; browsers mark it with Sec-Fetch-Site) must get the 401 to show its
    // sign-in form: a Basic challenge would open the browser's credentials dialog instead. Other clients, and a
    // browser opening a URL, get the challenge.
    const fromPage = c.req.header("sec-fetch-site") !== undefined && c.req.header("sec-fetch-mode") !== "navigate";
    if (!fromPage) c.header("WWW-Authenticate", 'Basic realm="pursuit", charset="UTF-8"');
    return c.json(error.body, error.status);
  };
}

function presentedPassword(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = header.trim().match(/^(\S+)\s+(.*)$/s);
  if (!match) return undefined;
  const [, scheme = "", value = ""] = match;
  switch (scheme.toLowerCase()) {
    case "bearer":
      return value;
    case "basic": {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon === -1 ? undefined : decoded.slice(colon + 1);
    }
    default:
      return undefined;
  }
}

/** Comparing fixed-length digests keeps the comparison constant-time whatever the lengths. */
function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}
