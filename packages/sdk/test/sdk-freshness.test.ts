import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DOCUMENT_FILE, GENERATED_DIR, generateSdk } from "../scripts/generate-sdk.js";

function filesUnder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(root, path), readFileSync(path, "utf8"));
    }
  };
  walk(root);
  return files;
}

describe("the committed SDK", () => {
  const scratch = mkdtempSync(join(tmpdir(), "pursuit-sdk-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("matches what the generator makes from the current server (run `npm run generate -w @pursuit/sdk`)", async () => {
    const documentFile = join(scratch, "openapi.json");
    await generateSdk(join(scratch, "gen"), documentFile);
    // The committed document may be reformatted by the linter, so compare it as data.
    expect(JSON.parse(readFileSync(DOCUMENT_FILE, "utf8"))).toEqual(JSON.parse(readFileSync(documentFile, "utf8")));
    const fresh = filesUnder(join(scratch, "gen"));
    const committed = filesUnder(GENERATED_DIR);
    expect([...committed.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [path, text] of fresh) expect(committed.get(path), path).toBe(text);
  });
});
