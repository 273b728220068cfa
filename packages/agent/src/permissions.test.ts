import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PermissionPolicy } from "./permissions.js";

const root = mkdtempSync(join(tmpdir(), "pursuit-perm-"));
const project = join(root, "project");
const outside = join(root, "outside");
mkdirSync(join(project, "src"), { recursive: true });
mkdirSync(outside);
symlinkSync(outside, join(project, "escape"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("PermissionPolicy.resolvePath", () => {
  const policy = new PermissionPolicy();

  it("allows paths inside the session directory, existing or not", async () => {
    expect(await policy.resolvePath(project, "src/a.ts")).toEqual({ ok: true, value: join(project, "src/a.ts") });
    expect(await policy.resolvePath(project, join(project, "new/dir/b.ts"))).toMatchObject({ ok: true });
    expect(await policy.resolvePath(project, ".")).toEqual({ ok: true, value: project });
  });

  it("refuses paths that climb out, absolute paths elsewhere, and symlinks leading outside", async () => {
    expect(await policy.resolvePath(project, "../outside/x")).toMatchObject({ ok: false });
    expect(await policy.resolvePath(project, "/etc/passwd")).toMatchObject({ ok: false });
    const viaLink = await policy.resolvePath(project, "escape/secret.txt");
    expect(viaLink).toMatchObject({ ok: false, error: expect.stringContaining("leads outside") });
  });
});

describe("PermissionPolicy.checkCommand", () => {
  it("refuses commands matching a deny pattern, also inside a pipeline or a list", () => {
    const policy = new PermissionPolicy(["git push*", "rm -rf /"]);
    expect(policy.checkCommand("git status")).toEqual({ ok: true, value: undefined });
    expect(policy.checkCommand("git push origin main")).toMatchObject({ ok: false });
    expect(policy.checkCommand("npm test && git push")).toMatchObject({
      ok: false,
      error: 'the command "git push" is denied by the pattern "git push*"',
    });
    expect(policy.checkCommand("echo hi; rm -rf /")).toMatchObject({ ok: false });
    expect(policy.checkCommand("rm -rf /tmp/x")).toMatchObject({ ok: true });
  });

  it("has a default deny list", () => {
    expect(new PermissionPolicy().checkCommand("sudo rm x")).toMatchObject({ ok: false });
  });

  it("treats only * as a wildcard", () => {
    const policy = new PermissionPolicy(["a.b*", "rm ?"]);
    expect(policy.checkCommand("a.bcd")).toMatchObject({ ok: false });
    expect(policy.checkCommand("axbcd")).toMatchObject({ ok: true });
    expect(policy.checkCommand("rm x")).toMatchObject({ ok: true });
  });
});
