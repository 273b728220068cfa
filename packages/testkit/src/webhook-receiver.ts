import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A POST the receiver got: when, its headers and its raw body. */
export type ReceivedWebhook = { time: number; headers: IncomingHttpHeaders; body: string; status: number | "hang" };

/**
 * How the receiver answers its n-th request (from 1), given that request and those before it: a status, or
 * "hang" (never answers).
 */
export type WebhookAnswer = (
  n: number,
  request: Omit<ReceivedWebhook, "status">,
  before: readonly ReceivedWebhook[],
) => number | "hang";

/** Fails each delivery's first `times` attempts (500), then accepts it: a receiver that comes back. */
export const failingFirst =
  (times: number): WebhookAnswer =>
  (_n, request, before) => {
    const id = request.headers["x-pursuit-delivery"];
    return before.filter((one) => one.headers["x-pursuit-delivery"] === id).length < times ? 500 : 200;
  };

export type WebhookReceiver = {
  url: string;
  readonly received: ReceivedWebhook[];
  /** Only the requests it answered with 2xx. */
  delivered(): ReceivedWebhook[];
  setAnswer(answer: WebhookAnswer): void;
  close(): Promise<void>;
};

/**
 * A webhook receiver on 127.0.0.1: records every POST and answers as told (e.g. 500 twice, then 200; or never),
 * like the services a goal's webhooks reach.
 */
export async function startWebhookReceiver(answer: WebhookAnswer = () => 200): Promise<WebhookReceiver> {
  let answering = answer;
  const received: ReceivedWebhook[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const webhook = { time: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      const status = answering(received.length + 1, webhook, received);
      received.push({ ...webhook, status });
      if (status === "hang") {
        hanging.add(response);
        return;
      }
      response.writeHead(status, { "content-type": "text/plain" }).end(status < 300 ? "ok" : "try again");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    delivered: () => received.filter((one) => one.status !== "hang" && one.status < 300),
    setAnswer(next) {
      answering = next;
    },
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether a body's `x-pursuit-signature` is the HMAC-SHA256 of its raw bytes under `secret`, as a receiver checks. */
export function validSignature(webhook: ReceivedWebhook, secret: string): boolean {
  const given = String(webhook.headers["x-pursuit-signature"] ?? "");
  const expected = `sha256=${createHmac("sha256", secret).update(webhook.body).digest("hex")}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
