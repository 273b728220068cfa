/** @jsxImportSource @opentui/solid */
import type { TuiPlugin, TuiPluginModule } from "@opencode-ai/plugin/tui";
import { createSignal } from "solid-js";

/**
 * Shows `probe:<state>` beside the prompt (home and session screens) and in the session sidebar.
 * - The TUI slash command `/probemark` switches the state from `idle` to `marked1`, `marked2`, ... so a test can
 *   type it and read the change off the screen.
 * - When the server runs the command named by option `serverCommand` (a command a server plugin added through its
 *   `config` hook, e.g. `/probegoal some objective`), ` goal=<arguments>` is appended, taken from the
 *   `command.executed` event: the way a TUI indicator learns about a server-side slash command with arguments.
 * Option `label` replaces the `probe` prefix.
 */
const tui: TuiPlugin = async (api, options) => {
  const label = typeof options?.label === "string" ? options.label : "probe";
  const serverCommand = typeof options?.serverCommand === "string" ? options.serverCommand : undefined;
  const [marks, setMarks] = createSignal(0);
  const [goal, setGoal] = createSignal<string | undefined>(undefined);
  const text = () => {
    const state = marks() === 0 ? "idle" : `marked${marks()}`;
    const objective = goal();
    return objective === undefined ? `${label}:${state}` : `${label}:${state} goal=${objective}`;
  };

  api.event.on("command.executed", (event) => {
    if (event.properties.name === serverCommand) setGoal(event.properties.arguments);
  });

  api.keymap.registerLayer({
    commands: [
      {
        name: "probe.mark",
        title: "Probe: mark",
        category: "Probe",
        namespace: "palette",
        slashName: "probemark",
        run() {
          setMarks((count) => count + 1);
          api.ui.dialog.clear();
        },
      },
    ],
  });

  api.slots.register({
    order: 10,
    slots: {
      home_prompt_right: () => <text>{text()}</text>,
      session_prompt_right: () => <text>{text()}</text>,
      sidebar_content: () => <text>{`${text()} (sidebar)`}</text>,
    },
  });
};

const probeTuiPlugin: TuiPluginModule & { id: string } = { id: "probe-tui", tui };
export default probeTuiPlugin;
