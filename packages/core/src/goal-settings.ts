import type { GoalSettings } from "./goal.js";
import { err, ok, type Result } from "./result.js";
import { type InvalidInput, validateMaxWait, validateVerify } from "./validation.js";
import { MAX_GOAL_WEBHOOKS, validateWebhooks } from "./webhook-events.js";

export type GoalSettingName = keyof GoalSettings;

/** An edit of the settings: a value sets one, null removes it, absent leaves it. */
export type GoalSettingsPatch = { [K in GoalSettingName]?: GoalSettings[K] | null };

export const GOAL_SETTING_NAMES: readonly GoalSettingName[] = ["verify", "maxWaitSeconds", "waitForQuota", "webhooks"];

const validators: { [K in GoalSettingName]-?: (value: unknown) => Result<NonNullable<GoalSettings[K]>, InvalidInput> } =
  {
    verify: (value) => validateVerify(value),
    maxWaitSeconds: (value) => validateMaxWait(value),
    waitForQuota: (value) =>
      typeof value === "boolean"
        ? ok(value)
        : err({ code: "invalid", field: "waitForQuota", message: "waitForQuota must be true or false" }),
    webhooks: (value) => validateWebhooks(value, "webhooks", { allowSecret: false, max: MAX_GOAL_WEBHOOKS }),
  };

/** The settings of a new goal, from input not yet checked: undefined and null leave a setting at its default. */
export function validateSettings(input: { [K in GoalSettingName]?: unknown }): Result<GoalSettings, InvalidInput> {
  const settings: Record<string, unknown> = {};
  for (const name of GOAL_SETTING_NAMES) {
    const value = input[name];
    if (value === undefined || value === null) continue;
    const checked = validators[name](value);
    if (!checked.ok) return checked;
    settings[name] = checked.value;
  }
  return ok(settings as GoalSettings);
}

/**
 * Applies an edit to a goal's settings. Returns the settings afterwards and what actually changed (a removal as
 * null), so that an edit that repeats the current values records nothing.
 */
export function applySettingsPatch(
  current: GoalSettings,
  patch: GoalSettingsPatch,
): Result<{ settings: GoalSettings; changed: GoalSettingsPatch }, InvalidInput> {
  const settings: Record<string, unknown> = settingsOf(current);
  const changed: Record<string, unknown> = {};
  for (const name of GOAL_SETTING_NAMES) {
    const value = patch[name];
    if (value === undefined) continue;
    if (value === null) {
      if (settings[name] === undefined) continue;
      delete settings[name];
      changed[name] = null;
      continue;
    }
    const checked = validators[name](value);
    if (!checked.ok) return checked;
    // Settings are plain JSON (a list of webhooks among them): the same JSON is the same setting.
    if (JSON.stringify(settings[name]) === JSON.stringify(checked.value)) continue;
    settings[name] = changed[name] = checked.value;
  }
  return ok({ settings: settings as GoalSettings, changed: changed as GoalSettingsPatch });
}

/** The settings of a goal (or any object carrying them), and nothing else. */
export function settingsOf(source: GoalSettings): GoalSettings {
  const settings: Record<string, unknown> = {};
  for (const name of GOAL_SETTING_NAMES) if (source[name] !== undefined) settings[name] = source[name];
  return settings as GoalSettings;
}

/** The same object without its settings. */
export function withoutSettings<T extends GoalSettings>(source: T): Omit<T, GoalSettingName> {
  const rest: Record<string, unknown> = { ...source };
  for (const name of GOAL_SETTING_NAMES) delete rest[name];
  return rest as Omit<T, GoalSettingName>;
}
