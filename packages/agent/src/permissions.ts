import { realpath } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { err, ok, type Result } from "@pursuit/core";
import { commandPieces, wildcardToRegExp } from "@pursuit/driver";

/** Commands refused unless the configuration replaces the list. */
export const DEFAULT_BASH_DENY: readonly string[] = [
  "sudo *",
  "su *",
  "rm -rf /",
  "rm -rf /*",
  "rm -rf ~*",
  "mkfs*",
  "shutdown*",
  "reboot*",
  "git push*",
];

/**
 * The headless permission policy: tools act only inside the session's directory (symlinks included), and
 * bash commands matching a deny pattern are refused. Nothing ever waits on a person.
 */
export class PermissionPolicy {
  private readonly denied: { pattern: string; regex: RegExp }[];

  constructor(denyPatterns: readonly string[] = DEFAULT_BASH_DENY) {
    this.denied = denyPatterns.map((pattern) => ({ pattern, regex: wildcardToRegExp(pattern) }));
  }

  /** The absolute path for `path` (relative to `directory`), or why it is refused. */
  async resolvePath(directory: string, path: string): Promise<Result<string, string>> {
    const root = resolve(directory);
    const target = resolve(root, path);
    if (!isInside(root, target)) return err(`${path} is outside the session directory ${root}`);
    // Follow symlinks of the part that exists, so a link inside cannot lead outside.
    const [realRoot, realTarget] = await Promise.all([realpathOrSelf(root), realExistingPrefix(target)]);
    if (!isInside(realRoot, realTarget)) return err(`${path} leads outside the session directory ${root}`);
    return ok(target);
  }

  /** Refuses a command when it, or any of its `;`, `&&`, `||` or `|` separated parts, matches a deny pattern. */
  checkCommand(command: string): Result<void, string> {
    for (const piece of commandPieces(command)) {
      const hit = this.denied.find((rule) => rule.regex.test(piece));
      if (hit) return err(`the command "${piece}" is denied by the pattern "${hit.pattern}"`);
    }
    return ok(undefined);
  }
}

function isInside(root: string, target: string): boolean {
  if (target === root) return true;
  const rel = relative(root, target);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

async function realpathOrSelf(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

/** The real path of the longest existing prefix of `target`, with the missing rest appended. */
async function realExistingPrefix(target: string): Promise<string> {
  let current = target;
  const missing: string[] = [];
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length === 0 ? real : resolve(real, ...missing.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return target;
      missing.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}
