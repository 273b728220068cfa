export * from "./continuation-driver.js";
export * from "./retry-after.js";
export * from "./retry-policy.js";
export * from "./run-shell.js";
export * from "./shell-verifier.js";
export * from "./testing/manual-timers.js";
export * from "./testing/processes.js";
export * from "./timers.js";
