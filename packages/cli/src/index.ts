export { formatDuration, formatTokens, parseCost, parseCount, parseDuration, parseTokens } from "@pursuit/core";
export { goalCommand } from "./commands/goal-command.js";
export { runCommand } from "./commands/run-command.js";
export { serveCommand } from "./commands/serve-command.js";
export { type Io, processIo } from "./io.js";
export { main } from "./main.js";
export { howToConfigure, modelProblem, resolveConfig } from "./model-setup.js";
export { EXIT, exitCodeFor, summaryText } from "./run/run-outcome.js";
