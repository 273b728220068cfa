import { formatDuration, parseDuration } from "./amounts.js";
import type { GoalWait, WaitCheck } from "./goal.js";
import { err, ok, type Result } from "./result.js";
import { validateVerify } from "./validation.js";

/** How waits are bounded and how often their checks run. */
export type WaitPolicy = {
  /** The longest a wait lasts before the goal wakes by itself (a model's `until` may not pass it). */
  waitMaxMs: number;
  /** The first check runs this long after the wait starts; the delay doubles after each run... */
  waitCheckFirstMs: number;
  /** ...up to this. */
  waitCheckMaxMs: number;
};

export const DEFAULT_WAIT_POLICY: WaitPolicy = {
  waitMaxMs: 30 * 60_000,
  waitCheckFirstMs: 15_000,
  waitCheckMaxMs: 5 * 60_000,
};

export const MAX_WAIT_REASON_LENGTH = 500;
/** The tail of a check's output kept as the baseline and in the history. */
export const WAIT_CHECK_OUTPUT_CHARS = 2_000;

/** What someone asks to wait for; the runtime turns it into a `GoalWait`. */
export type WaitRequest = {
  kind: GoalWait["kind"];
  reason: string;
  /** Epoch milliseconds. */
  until?: number;
  check?: string;
  /** The check's output already seen (a polling model's last result): a wait on it wakes when it changes. */
  output?: string;
};

type WaitRefusal = { code: "invalid"; message: string; field?: string };
const refuse = (message: string, field?: string): { ok: false; error: WaitRefusal } =>
  err(field === undefined ? { code: "invalid", message } : { code: "invalid", message, field });

/**
 * A wait as requested, checked and bounded: a time in the future within the policy's maximum, a check command
 * like a verify command, a reason. A model's wait must name what it waits for (a time or a check).
 */
export function startWait(
  request: WaitRequest,
  by: GoalWait["by"],
  now: number,
  policy: WaitPolicy,
): Result<GoalWait, WaitRefusal> {
  const reason = request.reason.trim();
  if (!reason) return refuse("waiting needs a reason: say what the goal waits for", "reason");
  if (reason.length > MAX_WAIT_REASON_LENGTH)
    return refuse(`the reason is ${reason.length} characters; the maximum is ${MAX_WAIT_REASON_LENGTH}`, "reason");
  const bound = now + policy.waitMaxMs;
  if (request.until !== undefined) {
    if (!Number.isFinite(request.until) || request.until <= now) return refuse("until must be in the future", "until");
    // A quota reset is the provider's word, not a wait anyone chose: it is never cut short.
    if (request.kind !== "quota" && request.until > bound) {
      return refuse(
        `until is ${formatDuration(Math.ceil((request.until - now) / 1000))} away; a wait lasts at most ${formatDuration(policy.waitMaxMs / 1000)}`,
        "until",
      );
    }
  }
  let check: WaitCheck | undefined;
  if (request.check !== undefined) {
    const command = validateVerify(request.check, "check");
    if (!command.ok) return refuse(command.error.message, "check");
    const firstAt = request.output === undefined ? now : now + policy.waitCheckFirstMs;
    check = {
      command: command.value,
      nextAt: firstAt,
      intervalMs:
        request.output === undefined ? policy.waitCheckFirstMs : nextInterval(policy.waitCheckFirstMs, policy),
      runs: 0,
      ...(request.output !== undefined ? { output: tail(request.output) } : {}),
    };
  }
  if (by === "model" && request.until === undefined && !check) {
    return refuse("say what to wait for: a time (until) or a command the runtime re-runs (check)", "until");
  }
  if (request.kind === "quota" && request.until === undefined)
    return refuse("a quota wait needs its reset time", "until");
  const wakeAt = request.kind === "person" ? undefined : (request.until ?? bound);
  return ok({
    kind: request.kind,
    reason,
    by,
    since: now,
    ...(request.until !== undefined ? { until: request.until } : {}),
    ...(wakeAt !== undefined ? { wakeAt } : {}),
    ...(check ? { check } : {}),
  });
}

/** Why a wait ended; `quiet` when it ended at its bound with nothing changed. */
export type WaitEnd = { reason: string; quiet: boolean };

/** After a check ran: the goal wakes (it passed, or its output changed), or the wait goes on with the next run later. */
export function afterCheck(
  wait: GoalWait,
  run: { exitCode: number | null; output: string },
  now: number,
  policy: WaitPolicy,
): { end: WaitEnd } | { wait: GoalWait } {
  const check = wait.check;
  if (!check) return { wait };
  const output = tail(run.output);
  const shown = `\`${shortCommand(check.command)}\``;
  const waited = wait.by === "runtime" ? `the runtime waited on ${shown} until ` : "";
  // A polled command exits 0 while it reports "pending" too: only a change of its output wakes its wait.
  if (run.exitCode === 0 && wait.by === "model") return { end: { reason: `${shown} passed`, quiet: false } };
  // A run killed by its timeout says nothing about what it watches: the baseline stays.
  const seen = run.exitCode === null ? check.output : output;
  if (run.exitCode !== null && check.output !== undefined && comparable(check.output) !== comparable(output)) {
    return { end: { reason: waited ? `${waited}its output changed` : `the output of ${shown} changed`, quiet: false } };
  }
  const next: WaitCheck = {
    ...check,
    runs: check.runs + 1,
    ...(seen !== undefined ? { output: seen } : {}),
    exitCode: run.exitCode,
    nextAt: now + check.intervalMs,
    intervalMs: nextInterval(check.intervalMs, policy),
  };
  return { wait: { ...wait, check: next } };
}

/** The wait's time has come (its `until`, or its bound), or undefined while it has not. */
export function wakeDue(wait: GoalWait, now: number): WaitEnd | undefined {
  if (wait.wakeAt === undefined || now < wait.wakeAt) return undefined;
  switch (wait.kind) {
    case "quota":
      return { reason: "the provider's usage quota has reset", quiet: false };
    case "time":
      return { reason: wait.until !== undefined ? "the time it waited for has come" : boundReason(wait), quiet: false };
    case "check":
      return { reason: boundReason(wait), quiet: true };
    case "person":
      return undefined;
  }
}

/** When the runtime must next look at the wait (run its check, or wake it); undefined for a person's answer. */
export function nextWaitAlarm(wait: GoalWait): number | undefined {
  const times = [wait.check?.nextAt, wait.wakeAt].filter((time): time is number => time !== undefined);
  return times.length === 0 ? undefined : Math.min(...times);
}

/** `until` as a model or a person writes it: an ISO time, or an amount from now ("20m", "1h30m"). */
export function parseUntil(text: string, now: number): Result<number, WaitRefusal> {
  const trimmed = text.trim();
  const amount = parseDuration(trimmed, "until");
  if (amount.ok) return ok(now + amount.value * 1000);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const time = Date.parse(trimmed);
    if (!Number.isNaN(time)) return ok(time);
  }
  return refuse(`until must be an ISO time or an amount like "20m"; got ${JSON.stringify(text)}`, "until");
}

/** A long command is shortened where the model and the history name it. */
export function shortCommand(command: string): string {
  const line = command.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

function boundReason(wait: GoalWait): string {
  const waited = formatDuration(((wait.wakeAt ?? wait.since) - wait.since) / 1000);
  return `waited ${waited} (the longest wait) for ${wait.reason}; nothing changed`;
}

const nextInterval = (intervalMs: number, policy: WaitPolicy): number =>
  Math.min(policy.waitCheckMaxMs, intervalMs * 2);

const tail = (output: string): string => output.slice(-WAIT_CHECK_OUTPUT_CHARS);

/**
 * Outputs compared as the progress rule compares tool results: digit runs (timestamps, counters) folded; the
 * notes a host adds after a command's own output ("[exit code 0]", "(no output)") left out, so a bash tool's
 * result and the runtime's own run of the same command compare equal.
 */
const comparable = (output: string): string =>
  output
    // Only the hosts' own notes: a command's last line such as "[RUNNING]" or "[PASSED]" is what it watches.
    .replace(/(\s*(\[(exit code|timed out|aborted|stopped)[^\]\n]*\]|\(no output\)))+\s*$/, "")
    .trim()
    .replace(/\d+/g, "#");
