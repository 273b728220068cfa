/** `npm run bench`: runs every benchmark in turn (or the ones named: `npm run bench -- engine host`). */
const BENCHMARKS: Record<string, () => Promise<{ main: () => Promise<unknown> }>> = {
  engine: () => import("./engine.js"),
  host: () => import("./host.js"),
  api: () => import("./api.js"),
  budget: () => import("./budget.js"),
  provider: () => import("./provider-faults.js"),
  crash: () => import("./crash.js"),
  "opencode-crash": () => import("./opencode-crash.js"),
  compaction: () => import("./compaction.js"),
  web: () => import("./web.js"),
  opencode: () => import("./opencode-startup.js"),
  waiting: () => import("./waiting.js"),
  webhooks: () => import("./webhooks.js"),
  replicas: () => import("./replicas.js"),
};

const wanted = process.argv.slice(2);
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  const load = BENCHMARKS[name];
  if (!load) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(", ")}`);
    process.exit(1);
  }
  await (await load()).main();
}
