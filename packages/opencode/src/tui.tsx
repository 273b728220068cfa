/** @jsxImportSource @opentui/solid */
/**
 * The TUI side of opencode-pursuit, loaded by OpenCode from source (it compiles Solid JSX itself):
 * `/goal` opens a menu that sets, edits, pauses, resumes, limits or clears the session's goal without a
 * model turn, and a goal indicator sits beside the prompt and in the sidebar. It talks to the server
 * plugin's goal API on loopback (options: `url`, or `db` when the server plugin's database was moved).
 */
import type { TuiPlugin, TuiPluginApi, TuiPluginModule } from "@opencode-ai/plugin/tui";
import type { Goal } from "@pursuit/core";
import { createSignal } from "solid-js";
import { discoverGoalApi, type GoalApiClient, goalApiClient } from "./goal-api-client.js";
import {
  criteriaInputs,
  type GoalMenuAction,
  goalIndicator,
  goalMenu,
  parseCriterionInput,
  parseTokenLimitInput,
} from "./goal-indicator.js";

const REFRESH_MS = 1000;

const tui: TuiPlugin = async (api, options) => {
  const [goals, setGoals] = createSignal<Readonly<Record<string, Goal | undefined>>>({});
  // Looked up again on each call: the server plugin may pick another port on its next start.
  const client = goalApiClient(() => discoverGoalApi(options ?? {}));
  const currentSession = (): string | undefined => {
    const route = api.route.current;
    return route.name === "session" ? (route.params as { sessionID?: string } | undefined)?.sessionID : undefined;
  };

  const refresh = async (sessionID: string) => {
    const answer = await client.get(sessionID);
    if (!answer.ok) return;
    setGoals((known) => ({ ...known, [sessionID]: answer.value ?? undefined }));
  };
  const timer = setInterval(() => {
    const sessionID = currentSession();
    if (sessionID) void refresh(sessionID);
  }, REFRESH_MS);
  api.lifecycle.onDispose(() => clearInterval(timer));

  const indicator = (sessionID: string | undefined) => goalIndicator(sessionID ? goals()[sessionID] : undefined);

  api.keymap.registerLayer({
    commands: [
      {
        name: "pursuit.goal",
        title: "Goal: set, edit, pause, resume, limit or clear",
        category: "Goal",
        namespace: "palette",
        slashName: "goal",
        run() {
          void openMenu(api, client, currentSession(), refresh);
        },
      },
    ],
  });

  api.slots.register({
    order: 20,
    slots: {
      session_prompt_right: () => <text>{indicator(currentSession())}</text>,
      sidebar_content: () => <text>{indicator(currentSession())}</text>,
    },
  });
};

async function openMenu(
  api: TuiPluginApi,
  client: GoalApiClient,
  sessionID: string | undefined,
  refresh: (sessionID: string) => Promise<void>,
) {
  if (!sessionID)
    return api.ui.toast({ variant: "warning", message: "Open a session first: a goal belongs to a session" });
  const current = await client.get(sessionID);
  if (!current.ok) return api.ui.toast({ variant: "error", message: current.error.message });
  const goal = current.value ?? undefined;
  const done = async (result: { ok: boolean; error?: { message: string } }, success: string) => {
    api.ui.dialog.clear();
    api.ui.toast(
      result.ok
        ? { variant: "success", message: success }
        : { variant: "error", message: result.error?.message ?? "refused" },
    );
    await refresh(sessionID);
  };
  const ask = (title: string, value: string, confirm: (text: string) => Promise<void>) =>
    api.ui.dialog.replace(() => (
      <api.ui.DialogPrompt
        title={title}
        value={value}
        onConfirm={(text) => void confirm(text)}
        onCancel={() => api.ui.dialog.clear()}
      />
    ));
  const run: Record<GoalMenuAction, () => unknown> = {
    set: () => ask("Goal objective", "", async (text) => done(await client.create(sessionID, text), "Goal set")),
    edit: () =>
      ask("Objective", goal?.objective ?? "", async (text) =>
        done(await client.update(sessionID, { objective: text }), "Objective changed"),
      ),
    pause: async () =>
      done(await client.update(sessionID, { status: "paused", reason: "paused from the TUI" }), "Goal paused"),
    resume: async () => done(await client.update(sessionID, { status: "active" }), "Goal resumed"),
    clear: async () => done(await client.clear(sessionID), "Goal cleared"),
    criterion: () =>
      ask("Acceptance criterion (add `:: command` to check it)", "", async (text) => {
        const parsed = parseCriterionInput(text);
        if (!parsed.ok) return done({ ok: false, error: { message: parsed.message } }, "");
        const criteria = [...criteriaInputs(goal), parsed.value];
        return done(await client.update(sessionID, { criteria }), `Criterion ${criteria.length} added`);
      }),
    criteria_clear: async () => done(await client.update(sessionID, { criteria: null }), "Criteria removed"),
    queue: () =>
      ask("Next goal (starts when this one completes)", "", async (text) =>
        done(await client.queue(sessionID, text), "Goal queued"),
      ),
    limit: () =>
      ask(
        "Token limit (e.g. 200k; empty removes it)",
        goal?.limits.tokens ? String(goal.limits.tokens) : "",
        async (text) => {
          const parsed = parseTokenLimitInput(text);
          if (!parsed.ok) return done({ ok: false, error: { message: parsed.message } }, "");
          return done(await client.update(sessionID, { limits: { tokens: parsed.value } }), "Token limit set");
        },
      ),
  };
  api.ui.dialog.replace(() => (
    <api.ui.DialogSelect
      title="Goal"
      options={goalMenu(goal).map((item) => ({ title: item.title, value: item.action, description: item.description }))}
      onSelect={(option) => void run[option.value as GoalMenuAction]()}
    />
  ));
}

const pursuitTuiPlugin: TuiPluginModule & { id: string } = { id: "opencode-pursuit-tui", tui };
export default pursuitTuiPlugin;
