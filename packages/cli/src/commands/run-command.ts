import { resolve } from "node:path";
import { createRuntime, type PursuitConfig, type Runtime, type RuntimeEvent } from "@pursuit/agent";
import { type Goal, validateObjective } from "@pursuit/core";
import { databaseLocation, databaseOpenError } from "../database-location.js";
import {
  CRITERIA_FLAGS,
  type CriterionFlag,
  criteriaFromFlags,
  LIMIT_FLAGS,
  type LimitsInput,
  limitsFromFlags,
  maxWaitFromFlags,
  parseFlags,
  WEBHOOK_FLAGS,
  webhooksFromFlags,
} from "../flags.js";
import { RUN_HELP } from "../help.js";
import type { Io } from "../io.js";
import { modelProblem, resolveConfig } from "../model-setup.js";
import { DEMO_BANNER, DEMO_OBJECTIVE, type DemoSetup, startDemo } from "../run/demo-model.js";
import { ProgressReporter } from "../run/progress-reporter.js";
import { EXIT, exitCodeFor, ringsBell, summaryText } from "../run/run-outcome.js";
import { waitForOutcome } from "../run/wait-for-outcome.js";

const RUN_FLAGS = {
  goal: { type: "string", short: "g", multiple: true },
  ...LIMIT_FLAGS,
  ...CRITERIA_FLAGS,
  ...WEBHOOK_FLAGS,
  verify: { type: "string" },
  "max-wait": { type: "string" },
  "no-quota-wait": { type: "boolean" },
  model: { type: "string", short: "m" },
  dir: { type: "string" },
  db: { type: "string" },
  session: { type: "string", short: "s" },
  json: { type: "boolean" },
  demo: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** How long `pursuit run` waits, at its end, for webhook receivers to answer. */
const WEBHOOK_FLUSH_MS = 10_000;

type Plan = {
  message: string | undefined;
  objective: string | undefined;
  /** The objectives of the --goal flags after the first: queued, each started when the one before completes. */
  queued: string[];
  limits: LimitsInput | undefined;
  verify: string | undefined;
  /** --webhook: the goal's own webhooks. */
  webhooks: { url: string }[] | undefined;
  /** --criterion (each with its --criterion-check): the goal's acceptance criteria. */
  criteria: CriterionFlag[] | undefined;
  /** --max-wait: the longest the goal's waits last, in seconds. */
  maxWaitSeconds: number | undefined;
  /** --no-quota-wait: block the goal when the provider's usage quota runs out instead of waiting for the reset. */
  waitForQuota: false | undefined;
  sessionID: string | undefined;
  json: boolean;
};

/** `pursuit run`: a goal pursued headless in this process (no server), until it stops; exit code says how. */
export async function runCommand(args: string[], io: Io, options: { demo?: boolean } = {}): Promise<number> {
  const parsed = parseFlags(args, RUN_FLAGS, true);
  if (!parsed.ok) return io.fail(`${parsed.error}\n\n${RUN_HELP}`);
  const { values, positionals } = parsed.value;
  if (values.help) return io.out(RUN_HELP);
  const demo = options.demo === true || values.demo === true;
  const limits = limitsFromFlags(values);
  if (!limits.ok) return io.fail(limits.error);
  const maxWait = maxWaitFromFlags(values["max-wait"]);
  if (!maxWait.ok) return io.fail(maxWait.error.message);
  const criteria = criteriaFromFlags(parsed.value);
  if (!criteria.ok) return io.fail(criteria.error);
  const goals = Array.isArray(values.goal) ? values.goal : [];
  for (const [index, objective] of goals.entries()) {
    const checked = validateObjective(objective, `--goal ${index + 1}`);
    if (!checked.ok) return io.fail(checked.error.message);
  }
  const plan: Plan = {
    message: positionals.length > 0 ? positionals.join(" ") : undefined,
    objective: goals[0] ?? (demo && !values.session ? DEMO_OBJECTIVE : undefined),
    queued: goals.slice(1),
    limits: limits.value,
    verify: typeof values.verify === "string" ? values.verify : undefined,
    criteria: criteria.value,
    webhooks: webhooksFromFlags(values),
    maxWaitSeconds: maxWait.value,
    waitForQuota: values["no-quota-wait"] === true ? false : undefined,
    sessionID: typeof values.session === "string" ? values.session : undefined,
    json: values.json === true,
  };
  if (!plan.objective && !plan.sessionID && !plan.message) {
    return io.fail(`give a goal (--goal "..."), a message, or a session to resume (--session ID)\n\n${RUN_HELP}`);
  }

  let demoSetup: DemoSetup | undefined;
  let config: PursuitConfig;
  let directory = resolve(io.cwd, typeof values.dir === "string" ? values.dir : ".");
  if (demo) {
    demoSetup = await startDemo(typeof values.dir === "string" ? directory : undefined);
    directory = demoSetup.directory;
    config = demoSetup.config;
    io.err(`${DEMO_BANNER}\nWorking in ${directory}\n\n`);
  } else {
    const resolved = await resolveConfig(directory, {
      ...(typeof values.model === "string" ? { model: values.model } : {}),
      env: io.env,
    });
    if (!resolved.ok) return io.fail(resolved.error);
    config = resolved.value;
    const problem = modelProblem(config, io.env);
    if (problem) return io.fail(problem);
  }

  const database = databaseLocation(values.db, io, demo ? `${directory}/.pursuit.db` : undefined);
  // recover: false, so only this command's session runs, not every active goal in a shared database.
  let runtime: Runtime;
  try {
    runtime = await createRuntime({
      ...(database ? { database } : {}),
      directory,
      config,
      recover: false,
      env: io.env,
    });
  } catch (error) {
    const problem = databaseOpenError(error);
    if (problem) return io.fail(problem);
    throw error;
  }
  try {
    return await drive(runtime, plan, io);
  } finally {
    // The goal's webhooks are told before the process ends (those that cannot be reached are retried next time).
    const left = await runtime.flushWebhooks(WEBHOOK_FLUSH_MS);
    if (left > 0)
      io.err(
        `${left} webhook delivery(ies) could not be made yet; they are retried when Pursuit next runs on this database\n`,
      );
    await runtime.close();
    await demoSetup?.model.close();
    if (demoSetup) io.err(`\nThat was a demonstration. The files are in ${directory}\n`);
  }
}

async function drive(runtime: Runtime, plan: Plan, io: Io): Promise<number> {
  const started = Date.now();
  const session = plan.sessionID ? await runtime.sessions.get(plan.sessionID) : await runtime.sessions.create({});
  if (!session) return io.fail(`no session with id "${plan.sessionID}" in this database (see --db)`);
  const sessionID = session.id;

  const reporter = new ProgressReporter(io.stderr, sessionID, started);
  const forward = (event: RuntimeEvent) => {
    if (plan.json) io.stdout.write(`${JSON.stringify(event)}\n`);
    reporter.onEvent(event);
  };
  const unsubscribe = runtime.subscribe(forward);
  let interrupted = 0;
  const stopSignals = io.onInterrupt(() => {
    interrupted++;
    if (interrupted === 1) {
      reporter.line("interrupted: pausing the goal (Ctrl-C again to quit at once)");
      void runtime.abort(sessionID);
    } else {
      reporter.stop();
      io.exit(EXIT.interrupted);
    }
  });

  try {
    reporter.line(`session ${sessionID}`);
    const ready = await prepareGoal(runtime, sessionID, plan, io);
    if (ready !== undefined) return ready;
    reporter.setGoal(await runtime.goals.get(sessionID));

    if (!(await runtime.goals.get(sessionID))) {
      // A plain message without a goal: one turn, then done.
      const answer = await runtime.prompt(sessionID, { text: plan.message ?? "" });
      reporter.stop();
      const text = answer.parts.flatMap((part) => (part.data.type === "text" ? [part.data.text] : [])).join("\n");
      if (!plan.json) io.stdout.write(`${text}\n`);
      return EXIT.complete;
    }
    if (plan.message) await runtime.promptAsync(sessionID, { text: plan.message });

    const outcome = waitForOutcome(runtime, sessionID);
    const goal = await outcome.done;
    outcome.dispose();
    reporter.stop();
    const code = exitCodeFor(goal);
    finish(io, plan, sessionID, goal, code, (Date.now() - started) / 1000);
    return code;
  } finally {
    unsubscribe();
    stopSignals();
    reporter.stop();
  }
}

/** Sets or resumes the goal. Returns an exit code when there is nothing to run. */
async function prepareGoal(runtime: Runtime, sessionID: string, plan: Plan, io: Io): Promise<number | undefined> {
  const existing = await runtime.goals.get(sessionID);
  if (plan.objective) {
    if (existing && existing.status !== "complete") {
      return io.fail(
        `session ${sessionID} already has an unfinished goal (${existing.status}): "${existing.objective}".\n` +
          `Resume it with: pursuit run --session ${sessionID}   (or clear it first: pursuit goal clear --session ${sessionID})`,
      );
    }
    // Limits and settings hold for every goal of the queue; criteria belong to the first.
    const settings = {
      ...(plan.limits ? { limits: plan.limits } : {}),
      ...(plan.verify ? { verify: plan.verify } : {}),
      ...(plan.webhooks ? { webhooks: plan.webhooks } : {}),
      ...(plan.maxWaitSeconds !== undefined ? { maxWaitSeconds: plan.maxWaitSeconds } : {}),
      ...(plan.waitForQuota !== undefined ? { waitForQuota: plan.waitForQuota } : {}),
    };
    const created = await runtime.goals.create(sessionID, {
      objective: plan.objective,
      ...settings,
      ...(plan.criteria ? { criteria: plan.criteria } : {}),
    });
    if (!created.ok) return io.fail(created.error.message);
    for (const objective of plan.queued) {
      const queued = await runtime.goals.queue.add(sessionID, { objective, ...settings });
      if (!queued.ok) return io.fail(queued.error.message);
    }
    return undefined;
  }
  if (!existing) {
    if (plan.message) return undefined;
    return io.fail(`session ${sessionID} has no goal; give one with --goal "..."`);
  }
  if (existing.status === "complete") {
    finish(io, plan, sessionID, existing, EXIT.complete, 0);
    return EXIT.complete;
  }
  const edits = plan.limits || plan.verify || plan.criteria || plan.webhooks;
  if (edits || plan.maxWaitSeconds !== undefined || plan.waitForQuota !== undefined) {
    const edited = await runtime.goals.update(sessionID, {
      ...(plan.limits ? { limits: plan.limits } : {}),
      ...(plan.verify ? { verify: plan.verify } : {}),
      ...(plan.criteria ? { criteria: plan.criteria } : {}),
      ...(plan.webhooks ? { webhooks: plan.webhooks } : {}),
      ...(plan.maxWaitSeconds !== undefined ? { maxWaitSeconds: plan.maxWaitSeconds } : {}),
      ...(plan.waitForQuota !== undefined ? { waitForQuota: plan.waitForQuota } : {}),
    });
    if (!edited.ok) return io.fail(edited.error.message);
  }
  // Resuming an active goal is a no-op that still starts work on the idle session.
  const resumed = await runtime.goals.update(sessionID, { status: "active" });
  if (!resumed.ok) {
    const goal = await runtime.goals.get(sessionID);
    io.err(`cannot resume: ${resumed.error.message}\n`);
    finish(io, plan, sessionID, goal, exitCodeFor(goal), 0);
    return exitCodeFor(goal);
  }
  return undefined;
}

function finish(io: Io, plan: Plan, sessionID: string, goal: Goal | undefined, code: number, elapsed: number): void {
  const summary = summaryText(goal, sessionID, elapsed);
  if (plan.json) {
    io.stdout.write(
      `${JSON.stringify({ type: "run.finished", properties: { sessionID, exitCode: code, goal: goal ?? null } })}\n`,
    );
    io.err(`\n${summary}`);
  } else {
    io.stdout.write(`\n${summary}`);
  }
  // Someone who left a long run in a terminal hears that it ended.
  if (ringsBell(io.stderr, elapsed)) io.stderr.write("\x07");
}
