import type { MiddlewareHandler } from "hono";
import { apiError } from "./api-error.js";
import { isLoopbackHostname } from "./bind-policy.js";

/**
 * Keeps web pages from driving the agent. Without a password only loopback Host names are served, so a page
 * whose DNS name was rebound to 127.0.0.1 is refused; and, password or not, a request a browser sends on
 * behalf of another site (an Origin that is not this server's own, or Sec-Fetch-Site: cross-site) is refused.
 * No CORS headers are ever sent, so no other site can read an answer either.
 */
export function requestOriginGuard(password: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    // In-process requests (app.request) carry no Host header; their URL names the host.
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (!password && (!host || !isLoopbackHostname(hostnameOf(host)))) {
      const named = JSON.stringify(host ?? "");
      return refuse(
        c,
        `without a password this server answers only to localhost, 127.0.0.1 or [::1]; Host was ${named}`,
        "host",
      );
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !sameOrigin(origin, host)) {
      return refuse(
        c,
        `requests from web pages of other sites are refused (Origin ${JSON.stringify(origin)})`,
        "origin",
      );
    }
    if (c.req.header("sec-fetch-site") === "cross-site") {
      return refuse(c, "requests from web pages of other sites are refused (Sec-Fetch-Site: cross-site)", "origin");
    }
    return next();
  };
}

const refuse = (c: Parameters<MiddlewareHandler>[0], message: string, field: string) => {
  const error = apiError(403, "forbidden_origin", message, field);
  return c.json(error.body, error.status);
};

/** "localhost:4096" -> "localhost", "[::1]:4096" -> "[::1]". */
function hostnameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(0, trimmed.indexOf("]") + 1);
  const colon = trimmed.lastIndexOf(":");
  return colon === -1 ? trimmed : trimmed.slice(0, colon);
}

/** The page that sent the request was served by this server (same scheme-less host and port). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const url = new URL(origin);
    return (url.protocol === "http:" || url.protocol === "https:") && url.host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}
