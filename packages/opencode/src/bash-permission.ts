import type { PluginInput } from "@opencode-ai/plugin";
import { commandPieces, wildcardToRegExp } from "@pursuit/driver";

type Action = "allow" | "ask" | "deny";
type Rule = { pattern: string; action: Action };

const ACTIONS: readonly string[] = ["allow", "ask", "deny"];
const isAction = (value: unknown): value is Action => typeof value === "string" && ACTIONS.includes(value);

/**
 * Why OpenCode's own bash permission rules keep a waiting goal's check command from running, or undefined when
 * they allow it. The plugin runs checks unattended, so a command the rules would ask a person about is refused
 * like a denied one: a check must never run what a person was meant to approve. Rules as OpenCode reads
 * `permission`: one action for everything, or the catch-all `*` followed by `bash`'s own action or wildcard
 * patterns, where the last match wins; nothing configured allows. Each part of a compound command is matched.
 */
export function bashPermissionRefusal(permission: unknown, command: string): string | undefined {
  const rules = bashRules(permission);
  for (const piece of commandPieces(command)) {
    const rule = rules.findLast((candidate) =>
      wildcardToRegExp(candidate.pattern, { singleCharacter: true }).test(piece),
    );
    if (!rule || rule.action === "allow") continue;
    const source = `OpenCode's permission rule bash "${rule.pattern}": "${rule.action}"`;
    return rule.action === "deny"
      ? `${source} denies "${piece}"`
      : `${source} asks a person before "${piece}" runs, and a wait's check runs unattended; wait with until, or check with a command the rules allow`;
  }
  return undefined;
}

function bashRules(permission: unknown): Rule[] {
  if (isAction(permission)) return [{ pattern: "*", action: permission }];
  if (typeof permission !== "object" || permission === null) return [];
  const byTool = permission as Record<string, unknown>;
  // The catch-all for every tool comes first: bash's own rules, after it, win where they match.
  const everyTool = byTool["*"];
  const rules: Rule[] = isAction(everyTool) ? [{ pattern: "*", action: everyTool }] : [];
  const bash = byTool.bash;
  if (isAction(bash)) return [...rules, { pattern: "*", action: bash }];
  if (typeof bash !== "object" || bash === null) return rules;
  return [
    ...rules,
    ...Object.entries(bash).flatMap(([pattern, action]) => (isAction(action) ? [{ pattern, action }] : [])),
  ];
}

/**
 * The engine's `commandDenied` for OpenCode: its configuration is read at each wait (a person may change it
 * while OpenCode runs). When it cannot be read, the check is refused: unknown rules allow nothing unattended.
 */
export function opencodeCommandDenied(client: PluginInput["client"], log: (message: string) => void) {
  return async (_sessionID: string, command: string): Promise<string | undefined> => {
    try {
      const config = (await client.config.get()).data as { permission?: unknown } | undefined;
      if (!config) throw new Error("no configuration in the answer");
      return bashPermissionRefusal(config.permission, command);
    } catch (error) {
      log(`reading OpenCode's permission rules failed: ${String(error)}`);
      return "OpenCode's permission rules could not be read, so no command runs unattended; wait with until instead";
    }
  };
}
