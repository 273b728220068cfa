/**
 * What permission rules match a shell command against: the whole command and each of its `;`, `&&`, `||`, `|`
 * or newline separated parts, so a denied command cannot hide behind an allowed one.
 */
export function commandPieces(command: string): string[] {
  return [command, ...command.split(/&&|\|\||;|\||\n/)].map((piece) => piece.trim()).filter(Boolean);
}

/**
 * A wildcard pattern as a whole-string RegExp: `*` is any run of characters; with `singleCharacter`, `?` is
 * exactly one (OpenCode's syntax); every other character is literal. "git push*" -> /^git push.*$/.
 */
export function wildcardToRegExp(pattern: string, options: { singleCharacter?: boolean } = {}): RegExp {
  let body = "";
  for (const character of pattern) {
    if (character === "*") body += ".*";
    else if (character === "?" && options.singleCharacter) body += ".";
    else body += character.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${body}$`, "s");
}
