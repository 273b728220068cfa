/** Adds a plugin path to an OpenCode config object's "plugin" list, keeping everything else as it was. */
export function addPluginEntry(
  config: unknown,
  pluginDir: string,
): { ok: true; changed: boolean; config: Record<string, unknown> } | { ok: false; error: string } {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return { ok: false, error: "the file must hold a JSON object" };
  }
  const object = config as Record<string, unknown>;
  const list = object.plugin ?? [];
  if (!Array.isArray(list)) return { ok: false, error: '"plugin" must be a list' };
  const present = list.some((entry) => (Array.isArray(entry) ? entry[0] : entry) === pluginDir);
  if (present) return { ok: true, changed: false, config: object };
  return { ok: true, changed: true, config: { ...object, plugin: [...list, pluginDir] } };
}
