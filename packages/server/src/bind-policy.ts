import { isIP } from "node:net";

/** The server refuses to listen on anything but loopback unless requests need a password. */
export class BindRefusedError extends Error {
  constructor(readonly hostname: string) {
    super(
      `refusing to listen on ${hostname} without a password: anyone who can reach that address could run ` +
        "commands through the agent's tools. Set PURSUIT_SERVER_PASSWORD (clients then send it as Basic or " +
        "Bearer auth), or bind to 127.0.0.1 (the default).",
    );
    this.name = "BindRefusedError";
  }
}

/** `localhost`, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address). */
export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) {
    if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
    const mapped = host.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
    return mapped?.[1]?.startsWith("127.") ?? false;
  }
  return false;
}

export function checkBind(hostname: string, password: string | undefined): void {
  if (!password && !isLoopbackHostname(hostname)) throw new BindRefusedError(hostname);
}
