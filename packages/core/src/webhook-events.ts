import {
  DEFAULT_WEBHOOK_EVENTS,
  type Goal,
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  type WebhookEvent,
  type WebhookFormat,
  type WebhookTarget,
} from "./goal.js";
import type { GoalHistoryEntry } from "./history.js";
import { err, ok, type Result } from "./result.js";
import type { InvalidInput } from "./validation.js";

export const MAX_GOAL_WEBHOOKS = 5;

/** What happened, for a webhook: the event, and the goal's words for it (its evidence, or the reason). */
export type WebhookOccurrence = { event: WebhookEvent; goal: Goal; time: number; detail?: string };

/**
 * The webhook events a committed goal change stands for, from its history rows: a move into complete,
 * budget_limited (a spend ceiling included), blocked, paused by the runtime (a person's own pause tells nobody),
 * waiting on a person; waits and wakes (a ceiling's turn-over included) too, for those who ask.
 */
export function webhookOccurrences(goal: Goal | null, history: readonly GoalHistoryEntry[]): WebhookOccurrence[] {
  if (goal === null) return [];
  const occurrences: WebhookOccurrence[] = [];
  for (const row of history) {
    if (row.kind !== "status" || row.goalID !== goal.id) continue;
    const event = eventOf(row);
    if (event === undefined) continue;
    const detail = event === "goal.complete" ? goal.evidence : (row.reason ?? row.wait?.reason);
    occurrences.push({ event, goal, time: row.time, ...(detail ? { detail } : {}) });
  }
  return occurrences;
}

function eventOf(row: Extract<GoalHistoryEntry, { kind: "status" }>): WebhookEvent | undefined {
  switch (row.to) {
    case "complete":
      return "goal.complete";
    case "budget_limited":
      return row.from === "budget_limited" ? undefined : "goal.budget_limited";
    case "blocked":
      return "goal.blocked";
    case "paused":
      return row.actor === "runtime" ? "goal.paused" : undefined;
    case "waiting":
      return row.wait?.kind === "person" ? "goal.needs_input" : "goal.waiting";
    case "active":
      // The runtime wakes a waiting goal, and one a spend ceiling stopped once the window turns over.
      return (row.from === "waiting" || row.from === "budget_limited") && row.actor === "runtime"
        ? "goal.woke"
        : undefined;
    default:
      return undefined;
  }
}

/** Whether a target wants this event (its own list, or the default outcomes). */
export function wantsEvent(target: Pick<WebhookTarget, "events">, event: WebhookEvent): boolean {
  return (target.events ?? DEFAULT_WEBHOOK_EVENTS).includes(event);
}

const invalid = (field: string, message: string): { ok: false; error: InvalidInput } =>
  err({ code: "invalid", field, message });

/**
 * Webhook targets from configuration or a request, not yet checked: a list of `{url, secret?, events?, format?}`
 * with an http(s) URL; `allowSecret` is false for a goal's own webhooks.
 */
export function validateWebhooks(
  value: unknown,
  field: string,
  options: { allowSecret: boolean; max?: number },
): Result<WebhookTarget[], InvalidInput> {
  if (!Array.isArray(value)) return invalid(field, `${field} must be a list of {url, events?, format?}`);
  if (options.max !== undefined && value.length > options.max)
    return invalid(field, `${field} has ${value.length} entries; the maximum is ${options.max}`);
  const targets: WebhookTarget[] = [];
  for (const [index, raw] of value.entries()) {
    const at = `${field}.${index}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw))
      return invalid(at, `${at} must be an object {url, events?, format?}`);
    const known = options.allowSecret ? ["url", "secret", "events", "format"] : ["url", "events", "format"];
    const unknown = Object.keys(raw).find((key) => !known.includes(key));
    if (unknown !== undefined) {
      const why = unknown === "secret" ? "; a signing secret goes in the server's configuration" : "";
      return invalid(`${at}.${unknown}`, `${at} has an unknown key "${unknown}"${why}; use ${known.join(", ")}`);
    }
    const entry = raw as Record<string, unknown>;
    const url = checkURL(entry.url, `${at}.url`);
    if (!url.ok) return url;
    const target: WebhookTarget = { url: url.value };
    if (entry.secret !== undefined) {
      if (typeof entry.secret !== "string" || entry.secret === "")
        return invalid(`${at}.secret`, `${at}.secret must be a non-empty string`);
      target.secret = entry.secret;
    }
    if (entry.events !== undefined) {
      if (!Array.isArray(entry.events) || entry.events.length === 0)
        return invalid(`${at}.events`, `${at}.events must be a non-empty list of ${WEBHOOK_EVENTS.join(", ")}`);
      const wrong = entry.events.find((event) => !(WEBHOOK_EVENTS as readonly unknown[]).includes(event));
      if (wrong !== undefined)
        return invalid(`${at}.events`, `${at}.events has ${JSON.stringify(wrong)}; use ${WEBHOOK_EVENTS.join(", ")}`);
      target.events = [...new Set(entry.events as WebhookEvent[])];
    }
    if (entry.format !== undefined) {
      if (!(WEBHOOK_FORMATS as readonly unknown[]).includes(entry.format))
        return invalid(`${at}.format`, `${at}.format must be ${WEBHOOK_FORMATS.join(" or ")}`);
      target.format = entry.format as WebhookFormat;
    }
    targets.push(target);
  }
  return ok(targets);
}

/** An http(s) URL with a host (the core has no URL parser: it runs without platform types). */
const HTTP_URL = /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/i;

function checkURL(value: unknown, field: string): Result<string, InvalidInput> {
  if (typeof value !== "string" || !HTTP_URL.test(value))
    return invalid(field, `${field} must be an http(s) URL; got ${JSON.stringify(value)}`);
  return ok(value);
}
