import { createHmac } from "node:crypto";
import { formatTokens, type Goal, type WebhookOccurrence, type WebhookTarget } from "@pursuit/core";

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>` when the target has a secret. */
export const SIGNATURE_HEADER = "x-pursuit-signature";
export const DELIVERY_HEADER = "x-pursuit-delivery";
export const EVENT_HEADER = "x-pursuit-event";

/** What Pursuit POSTs (format `json`): the event, the goal as the API shows it, and where to look. */
export type WebhookBody = {
  /** The delivery's id: the same on every retry, so a receiver can drop a repeat. */
  id: string;
  event: WebhookOccurrence["event"];
  time: number;
  session: string;
  goal: Goal;
  usage: Goal["usage"];
  /** The completer's evidence (complete), or the reason (blocked, paused, budget_limited, a wait). */
  evidence?: string;
  reason?: string;
  /** The goal's page in the web app, when the host serves one. */
  url?: string;
};

/** The body and headers of one delivery, fixed when it is made; signed when the target has a secret. */
export function webhookRequest(
  occurrence: WebhookOccurrence,
  target: WebhookTarget,
  delivery: { id: string; webAppURL?: string | undefined },
): { body: string; headers: Record<string, string> } {
  const { goal } = occurrence;
  const url = delivery.webAppURL ? `${delivery.webAppURL.replace(/\/+$/, "")}/#/session/${goal.sessionID}` : undefined;
  const detail =
    occurrence.detail === undefined
      ? {}
      : occurrence.event === "goal.complete"
        ? { evidence: occurrence.detail }
        : { reason: occurrence.detail };
  const body =
    target.format === "slack"
      ? JSON.stringify({ text: slackText(occurrence, url) })
      : JSON.stringify({
          id: delivery.id,
          event: occurrence.event,
          time: occurrence.time,
          session: goal.sessionID,
          goal,
          usage: goal.usage,
          ...detail,
          ...(url ? { url } : {}),
        } satisfies WebhookBody);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "pursuit-webhooks",
    [EVENT_HEADER]: occurrence.event,
    [DELIVERY_HEADER]: delivery.id,
  };
  if (target.secret) headers[SIGNATURE_HEADER] = signature(target.secret, body);
  return { body, headers };
}

/** `sha256=<hex>`: what a receiver recomputes from the raw body and its copy of the secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

const HEADLINES: Record<WebhookOccurrence["event"], string> = {
  "goal.complete": "Goal complete",
  "goal.budget_limited": "Goal stopped at a limit",
  "goal.blocked": "Goal blocked",
  "goal.paused": "Goal paused",
  "goal.needs_input": "Goal needs input",
  "goal.waiting": "Goal waiting",
  "goal.woke": "Goal woke",
};

/** One message for Slack's incoming webhooks: what happened, the goal, why, what it used, and a link. */
function slackText(occurrence: WebhookOccurrence, url: string | undefined): string {
  const { goal } = occurrence;
  const usage = [`${formatTokens(goal.usage.tokens)} tokens`, `${goal.usage.turns} turns`];
  if (goal.usage.costUSD !== null) usage.push(`$${goal.usage.costUSD.toFixed(2)}`);
  const limit = occurrence.event === "goal.budget_limited" && goal.limit ? ` (the ${goal.limit} limit)` : "";
  const lines = [`*${HEADLINES[occurrence.event]}${limit}*: ${goal.objective.split("\n")[0]}`];
  if (occurrence.detail) lines.push(occurrence.detail);
  lines.push(`Used ${usage.join(", ")}.${url ? ` <${url}|Open the goal>` : ""}`);
  return lines.join("\n");
}
