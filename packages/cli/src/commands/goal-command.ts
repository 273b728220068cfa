import { formatDuration, formatTokens } from "@pursuit/core";
import {
  type Client,
  createPursuitClient,
  type Goal,
  type GoalHistoryEntry,
  goalClear,
  goalCreate,
  goalGet,
  goalHistory,
  goalQueueAdd,
  goalQueueDrop,
  goalQueueList,
  goalQueueOrder,
  goalUpdate,
  type QueuedGoal,
  type SpendReport,
  sessionCreate,
  spendGet,
} from "@pursuit/sdk";
import { criteriaLines } from "../criteria-lines.js";
import {
  CRITERIA_FLAGS,
  criteriaFromFlags,
  LIMIT_FLAGS,
  limitsFromFlags,
  maxWaitFromFlags,
  type ParsedFlags,
  parseFlags,
  WEBHOOK_FLAGS,
  webhooksFromFlags,
} from "../flags.js";
import { GOAL_HELP } from "../help.js";
import type { Io } from "../io.js";

const GOAL_FLAGS = {
  session: { type: "string", short: "s" },
  url: { type: "string" },
  json: { type: "boolean" },
  reason: { type: "string" },
  verify: { type: "string" },
  "max-wait": { type: "string" },
  "no-quota-wait": { type: "boolean" },
  none: { type: "boolean" },
  ...LIMIT_FLAGS,
  ...CRITERIA_FLAGS,
  ...WEBHOOK_FLAGS,
  help: { type: "boolean", short: "h" },
} as const;

const ACTIONS = [
  "show",
  "set",
  "pause",
  "resume",
  "wake",
  "clear",
  "limit",
  "criteria",
  "queue",
  "history",
  "spend",
] as const;
type Action = (typeof ACTIONS)[number];

/** What an SDK call returns when `throwOnError` is off. */
type Answer<T> = { data?: T; error?: unknown; response?: Response };

/** `pursuit goal ...`: the goal routes of a running server, through the generated SDK. */
export async function goalCommand(args: string[], io: Io): Promise<number> {
  const parsed = parseFlags(args, GOAL_FLAGS, true);
  if (!parsed.ok) return io.fail(`${parsed.error}\n\n${GOAL_HELP}`);
  const { values, positionals } = parsed.value;
  const [action, ...rest] = positionals;
  if (values.help || !action)
    return action || values.help ? io.out(GOAL_HELP) : io.fail(`name an action\n\n${GOAL_HELP}`);
  if (!(ACTIONS as readonly string[]).includes(action)) {
    return io.fail(`unknown action "${action}"; use one of ${ACTIONS.join(", ")}`);
  }
  const url = typeof values.url === "string" ? values.url : (io.env.PURSUIT_SERVER_URL ?? "http://127.0.0.1:4096");
  const password = io.env.PURSUIT_SERVER_PASSWORD;
  const client = createPursuitClient({ baseUrl: url, ...(password ? { password } : {}) });
  try {
    return await perform(action as Action, rest, parsed.value, client, io);
  } catch (error) {
    if (error instanceof TypeError) {
      return io.fail(`cannot reach the server at ${url} (${causeOf(error)}); is \`pursuit serve\` running? (--url)`);
    }
    throw error;
  }
}

async function perform(action: Action, words: string[], flags: ParsedFlags, client: Client, io: Io): Promise<number> {
  const { values } = flags;
  const criteria = criteriaFromFlags(flags);
  if (!criteria.ok) return io.fail(criteria.error);
  let sessionID = typeof values.session === "string" ? values.session : undefined;
  const json = values.json === true;
  if (action === "spend") return report(io, await spendGet({ client }), json, spendText);
  if (!sessionID && action !== "set") return io.fail(`--session ID is required for "goal ${action}"`);
  const path = () => ({ id: sessionID as string });
  switch (action) {
    case "show": {
      const answer = await goalGet({ client, path: path() });
      return report(io, answer, json, (goal) => (goal ? goalText(goal) : `session ${sessionID} has no goal`));
    }
    case "set": {
      const objective = words.join(" ").trim();
      if (!objective) return io.fail('give the objective: pursuit goal set "what to achieve" --session ID');
      const limits = limitsFromFlags(values);
      if (!limits.ok) return io.fail(limits.error);
      const maxWait = maxWaitFromFlags(values["max-wait"]);
      if (!maxWait.ok) return io.fail(maxWait.error.message);
      const webhooks = webhooksFromFlags(values);
      if (!sessionID) {
        const created = await sessionCreate({ client, body: {} });
        if (!created.data) return apiFailure(io, created);
        sessionID = created.data.id;
        if (!json) io.err(`created session ${sessionID}\n`);
      }
      const body = {
        objective,
        ...(limits.value ? { limits: limits.value as Record<string, number> } : {}),
        ...(typeof values.verify === "string" ? { verify: values.verify } : {}),
        ...(criteria.value ? { criteria: criteria.value } : {}),
        ...(webhooks ? { webhooks } : {}),
        ...(maxWait.value !== undefined ? { maxWaitSeconds: maxWait.value } : {}),
        ...(values["no-quota-wait"] === true ? { waitForQuota: false } : {}),
      };
      return report(io, await goalCreate({ client, path: path(), body }), json, goalText);
    }
    case "pause":
      return report(
        io,
        await goalUpdate({
          client,
          path: path(),
          body: { status: "paused", ...(typeof values.reason === "string" ? { reason: values.reason } : {}) },
        }),
        json,
        goalText,
      );
    case "resume":
    case "wake":
      // Waking a waiting goal is resuming it: it works again at once.
      return report(io, await goalUpdate({ client, path: path(), body: { status: "active" } }), json, goalText);
    case "clear":
      return report(io, await goalClear({ client, path: path() }), json, () => `goal of session ${sessionID} cleared`);
    case "limit": {
      const limits = limitsFromFlags(values, true);
      if (!limits.ok) return io.fail(limits.error);
      if (!limits.value) return io.fail("give at least one of --tokens, --turns, --time, --cost (a value or none)");
      return report(io, await goalUpdate({ client, path: path(), body: { limits: limits.value } }), json, goalText);
    }
    case "criteria": {
      if (!criteria.value && values.none !== true)
        return io.fail(
          'give the whole list (--criterion "..." [--criterion-check CMD], repeated) or --none to remove them',
        );
      if (criteria.value && values.none === true) return io.fail("give criteria or --none, not both");
      const body = { criteria: criteria.value ?? null };
      return report(io, await goalUpdate({ client, path: path(), body }), json, goalText);
    }
    case "queue": {
      const [verb = "list", ...rest] = words;
      const show = (queue: QueuedGoal[]) => queueText(queue, sessionID as string);
      switch (verb) {
        case "list":
          return report(io, await goalQueueList({ client, path: path() }), json, show);
        case "add": {
          const objective = rest.join(" ").trim();
          if (!objective) return io.fail('give the objective: pursuit goal queue add "what to achieve" --session ID');
          const limits = limitsFromFlags(values);
          if (!limits.ok) return io.fail(limits.error);
          const body = {
            objective,
            ...(limits.value ? { limits: limits.value as Record<string, number> } : {}),
            ...(typeof values.verify === "string" ? { verify: values.verify } : {}),
            ...(criteria.value ? { criteria: criteria.value } : {}),
          };
          return report(io, await goalQueueAdd({ client, path: path(), body }), json, show);
        }
        case "drop":
          if (rest.length !== 1)
            return io.fail("name the queued goal to drop: pursuit goal queue drop QUEUED_ID --session ID");
          return report(
            io,
            await goalQueueDrop({ client, path: { ...path(), queuedID: rest[0] as string } }),
            json,
            show,
          );
        case "order":
          if (rest.length === 0)
            return io.fail("give every queued goal's id in the new order: pursuit goal queue order ID ID...");
          return report(io, await goalQueueOrder({ client, path: path(), body: { ids: rest } }), json, show);
        default:
          return io.fail(`unknown queue action "${verb}"; use list, add, drop or order`);
      }
    }
    case "history":
      return report(io, await goalHistory({ client, path: path() }), json, (rows) => rows.map(historyLine).join("\n"));
  }
}

function report<T>(io: Io, answer: Answer<T>, json: boolean, text: (data: T) => string): number {
  if (answer.error !== undefined || !answer.response?.ok) return apiFailure(io, answer);
  return io.out(json ? JSON.stringify(answer.data ?? null, null, 2) : text(answer.data as T));
}

function apiFailure(io: Io, answer: Answer<unknown>): number {
  // No response at all: the request never reached a server (the caller turns this into a clear message).
  if (!answer.response) throw answer.error instanceof TypeError ? answer.error : new TypeError(String(answer.error));
  const body = answer.error as { error?: { message?: string } } | undefined;
  const status = answer.response ? ` (HTTP ${answer.response.status})` : "";
  return io.fail(`${body?.error?.message ?? "the server refused the request"}${status}`);
}

export function goalText(goal: Goal): string {
  const { usage, limits } = goal;
  const of = (limit: number | undefined, format: (n: number) => string) => (limit ? ` of ${format(limit)}` : "");
  const lines = [
    `${goal.status.toUpperCase()}  ${goal.objective}`,
    `  session ${goal.sessionID}, goal ${goal.id}`,
    `  tokens ${formatTokens(usage.tokens)}${of(limits.tokens, formatTokens)}, turns ${usage.turns}${of(limits.turns, String)}, busy ${formatDuration(usage.seconds)}${of(limits.seconds, formatDuration)}` +
      (usage.costUSD !== null || limits.costUSD
        ? `, $${(usage.costUSD ?? 0).toFixed(4)}${of(limits.costUSD, (n) => `$${n}`)}`
        : ""),
  ];
  if (goal.limit) lines.push(`  stopped by the ${goal.limit} limit`);
  if (goal.ceiling) {
    const { window, unit, allowed, resetsAt } = goal.ceiling;
    const ceiling = unit === "tokens" ? `${formatTokens(allowed)} tokens` : `$${allowed.toFixed(2)}`;
    const wait = formatDuration(Math.max(0, resetsAt - Date.now()) / 1000);
    lines.push(
      `  stopped by the ${window} spend ceiling across goals (${ceiling}); goes on by itself at ${new Date(resetsAt).toISOString()} (in ${wait}), or when the ceiling is raised`,
    );
  }
  if (goal.reason) lines.push(`  reason: ${goal.reason}`);
  if (goal.wait) lines.push(...waitLines(goal.wait));
  if (goal.verify) lines.push(`  verify: ${goal.verify}`);
  if (goal.criteria?.length) lines.push(...criteriaLines(goal.criteria));
  for (const webhook of goal.webhooks ?? [])
    lines.push(`  webhook: ${webhook.url}${webhook.events ? ` (${webhook.events.join(", ")})` : ""}`);
  if (goal.evidence) lines.push(`  evidence: ${goal.evidence}`);
  return lines.join("\n");
}

/** `Today (UTC, turns over in 3h05m00s): 1.2m tokens of 2.00m, $4.10 of $20.00`; a window with no ceiling, spend alone. */
export function spendText(report: SpendReport): string {
  const names = { daily: "Today", weekly: "This week" } as const;
  return report.windows
    .map(({ window, end, spent, ceiling }) => {
      const of = (limit: number | undefined, format: (n: number) => string) => (limit ? ` of ${format(limit)}` : "");
      const tokens = `${formatTokens(spent.tokens)} tokens${of(ceiling?.tokens, formatTokens)}`;
      const dollars = `$${spent.costUSD.toFixed(2)}${of(ceiling?.costUSD, (n) => `$${n.toFixed(2)}`)}`;
      const turns = formatDuration(Math.max(0, end - Date.now()) / 1000);
      const noCeiling = ceiling ? "" : " (no ceiling)";
      return `${names[window]} (UTC, turns over in ${turns}): ${tokens}, ${dollars}${noCeiling}`;
    })
    .join("\n");
}

/** What a waiting goal does by itself, and how a person steps in. */
function waitLines(wait: NonNullable<Goal["wait"]>): string[] {
  const at = (time: number) =>
    `${new Date(time).toISOString()} (in ${formatDuration(Math.max(0, time - Date.now()) / 1000)})`;
  const lines = [`  waiting (${wait.kind}, asked by the ${wait.by}) since ${new Date(wait.since).toISOString()}`];
  if (wait.check) {
    lines.push(`  check: ${wait.check.command}`);
    lines.push(`  next check ${at(wait.check.nextAt)}, ${wait.check.runs} run(s) so far`);
  }
  lines.push(wait.wakeAt !== undefined ? `  wakes by ${at(wait.wakeAt)}` : "  wakes when a person answers");
  lines.push("  wake it now: pursuit goal wake --session ID; pause it: pursuit goal pause --session ID");
  return lines;
}

/** The queue, next first: `1. que_... Update the changelog`. */
function queueText(queue: QueuedGoal[], sessionID: string): string {
  if (queue.length === 0) return `the queue of session ${sessionID} is empty`;
  return queue.map((item, index) => `${index + 1}. ${item.id}  ${item.input.objective.split("\n")[0]}`).join("\n");
}

function historyLine(row: GoalHistoryEntry): string {
  const when = new Date(row.time).toISOString();
  const what = (() => {
    switch (row.kind) {
      case "created":
        return `created "${row.objective}"${Object.keys(row.limits).length ? ` limits ${JSON.stringify(row.limits)}` : ""}`;
      case "status":
        return `${row.from} -> ${row.to}${row.limit ? ` (${row.limit} limit)` : ""}${row.reason ? `: ${row.reason}` : ""}`;
      case "edited":
        return `edited ${JSON.stringify({ objective: row.objective, limits: row.limits, verify: row.verify, criteria: row.criteria })}`;
      case "charged":
        return `charged ${row.charge.tokens} tokens${row.charge.turns ? `, ${row.charge.turns} turn` : ""} (${row.key})`;
      case "continued":
        return `continued, turn ${row.turn}`;
      case "verified":
        return `${row.criterion !== undefined ? `criterion ${row.criterion}'s check` : "verify"} \`${row.command}\` ${row.passed ? "passed" : `failed (exit ${row.exitCode ?? "none"})`}`;
      case "webhook_attempted":
        return `webhook ${row.event} to ${row.url}: ${row.delivered ? "delivered" : `failed (${row.error ?? row.status ?? "no answer"}), retried`} (attempt ${row.attempt})`;
      case "criterion_closed":
        return `closed criterion ${row.criterion} "${row.text}": ${row.evidence}`;
      case "wait_checked":
        return `checked \`${row.command}\` (exit ${row.exitCode ?? "none"})${row.woke ? ": woke the goal" : ": no change"}`;
      case "cleared":
        return "cleared";
    }
  })();
  return `${when}  ${row.actor.padEnd(7)}  ${what}`;
}

function causeOf(error: TypeError): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
