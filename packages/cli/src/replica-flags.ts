import { resolve } from "node:path";
import type { ReplicaOptions } from "@pursuit/agent";
import { err, ok, parseDuration, type Result } from "@pursuit/core";

/** The shortest lease: renewed every third of it, it must outlast a busy event loop's pause. */
const MIN_LEASE_SECONDS = 1;

/** `--workspace-root PATH` (repeatable, relative to the working directory) and `--lease-ttl 10s`. */
export function replicaOptions(
  values: Record<string, string | string[] | boolean | undefined>,
  cwd: string,
): Result<ReplicaOptions, string> {
  const roots = values["workspace-root"];
  const options: ReplicaOptions = {};
  if (Array.isArray(roots) && roots.length > 0) options.workspaceRoots = roots.map((root) => resolve(cwd, root));
  const ttl = values["lease-ttl"];
  if (typeof ttl === "string") {
    const seconds = parseDuration(ttl, "--lease-ttl");
    if (!seconds.ok) return err(seconds.error.message);
    if (seconds.value < MIN_LEASE_SECONDS) return err(`--lease-ttl: must be at least ${MIN_LEASE_SECONDS}s`);
    options.leaseTtlMs = seconds.value * 1000;
  }
  return ok(options);
}
