import {
  countToolCalls,
  type RecordedRequest,
  type Reply,
  toolCallsMade,
  toolResults,
  userTexts,
} from "@pursuit/testkit";

/**
 * One scripted model for every plugin scenario: the objective (or the first user words) names the scenario,
 * so several sessions can share one `opencode serve`.
 *   files N   - writes f1..fN, one file per turn, then completes with evidence
 *   stall     - only ever answers text
 *   budget    - keeps writing files until the budget stops it
 *   hang      - never finishes a reply (for abort)
 *   ci FILE   - asks the runtime to wait on `grep green FILE` (again after a resume), completes once woken
 *   poll FILE - polls `cat FILE` with bash every turn, completes once the runtime says it waited on it
 *   quota     - the first request is refused: a usage quota, reset 4 s later (429, OpenAI's headers); then completes
 *   ask       - asks the person a question (OpenCode's question tool), completes with their answer
 *   criteria  - tries to complete (refused: criteria open), closes criterion 2, tries criterion 1 (its check
 *               `test -f crit.txt` fails), writes crit.txt, closes criterion 1, completes
 *   tools     - creates its own goal when asked (first with an argument it does not know, then with the token
 *               budget asked for), reads it, tries to pause it, then completes it
 */
export function scenarioReply(request: RecordedRequest): Reply {
  const texts = userTexts(request);
  // The latest objective wins: a session may get a new goal after finishing one.
  const objectives = [...texts.join("\n").matchAll(/<objective>([\s\S]*?)<\/objective>/g)].map(
    (match) => match[1] ?? "",
  );
  const objective = objectives.at(-1) ?? texts[0] ?? "";
  const messages = request.body.messages as { role: string }[];
  const lastRole = messages.at(-1)?.role;
  const writes = countToolCalls(request, "write");

  if (objective.startsWith("files")) {
    const wanted = Number(objective.match(/files (\d+)/)?.[1] ?? 3);
    if (lastRole === "tool") {
      const last = toolCallsMade(request).at(-1);
      return { text: last?.name === "update_goal" ? "All files are written." : `Wrote f${writes}.txt.` };
    }
    if (writes < wanted)
      return {
        toolCalls: [{ name: "write", arguments: { filePath: `f${writes + 1}.txt`, content: `file ${writes + 1}\n` } }],
      };
    return {
      toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `f1..f${wanted}.txt exist` } }],
    };
  }
  if (objective.startsWith("stall")) return { text: "Still thinking about it." };
  if (objective.startsWith("budget")) {
    if (lastRole === "tool") return { text: `Wrote b${writes}.txt.` };
    return { toolCalls: [{ name: "write", arguments: { filePath: `b${writes + 1}.txt`, content: "x".repeat(400) } }] };
  }
  if (objective.startsWith("hang")) return { hang: true, text: "Working" };
  if (objective.startsWith("tools")) return toolsScenario(request, lastRole);
  if (objective.startsWith("criteria")) return criteriaScenario(request);
  if (objective.startsWith("ci ") || objective.startsWith("poll ")) return waitScenario(request, objective, lastRole);
  if (objective.startsWith("ask")) return askScenario(request, lastRole);
  if (objective.startsWith("quota")) return quotaScenario(request, objective, lastRole);
  return { text: "ok" };
}

function criteriaScenario(request: RecordedRequest): Reply {
  const last = toolResults(request).at(-1);
  if (last?.content.includes("The goal is complete")) return { text: "Both criteria are met." };
  const update = (args: Record<string, unknown>): Reply => ({ toolCalls: [{ name: "update_goal", arguments: args }] });
  switch (countToolCalls(request, "update_goal")) {
    case 0:
      return update({ status: "complete", evidence: "looks done" });
    case 1:
      return update({ criterion: 2, evidence: "the notes say so" });
    case 2:
      return update({ criterion: 1, evidence: "crit.txt is there" });
    case 3:
      if (countToolCalls(request, "write") === 0)
        return { toolCalls: [{ name: "write", arguments: { filePath: "crit.txt", content: "ok\n" } }] };
      return update({ criterion: 1, evidence: "crit.txt is there" });
    default:
      return update({ status: "complete", evidence: "both criteria closed" });
  }
}

function waitScenario(request: RecordedRequest, objective: string, lastRole: string | undefined): Reply {
  const file = (objective.split(" ")[1] ?? "ci-status").replace(/:$/, "");
  const woken = (userTexts(request).at(-1) ?? "").includes("Note:");
  if (woken && lastRole !== "tool") {
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `${file} is green` } }] };
  }
  if (lastRole === "tool") return { text: "Waiting for CI." };
  if (objective.startsWith("ci ")) {
    const wait = { status: "waiting", reason: "CI", check: `grep green ${file}` };
    return { toolCalls: [{ name: "update_goal", arguments: wait }] };
  }
  return { toolCalls: [{ name: "bash", arguments: { command: `cat ${file}`, description: "Check CI" } }] };
}

/** When each quota scenario's quota was refused (by objective), so the refusal happens once. */
export const quotaRefusedAt = new Map<string, number>();
export const QUOTA_RESET_MS = 4_000;

function quotaScenario(request: RecordedRequest, objective: string, lastRole: string | undefined): Reply {
  if (!quotaRefusedAt.has(objective)) {
    const now = Date.now();
    quotaRefusedAt.set(objective, now);
    return {
      error: {
        status: 429,
        message: `You have reached your usage limit. It resets at ${new Date(now + QUOTA_RESET_MS).toISOString()}.`,
        retryAfterSeconds: QUOTA_RESET_MS / 1000,
        headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": `${QUOTA_RESET_MS / 1000}s` },
      },
    };
  }
  if (lastRole === "tool") return { text: "Done." };
  if (toolCallsMade(request, "update_goal").length > 0) return { text: "Nothing left to do." };
  return {
    toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "answered after the reset" } }],
  };
}

function askScenario(request: RecordedRequest, lastRole: string | undefined): Reply {
  const made = toolCallsMade(request).map((call) => call.name);
  if (!made.includes("question")) {
    const question = {
      question: "Deploy to staging or production?",
      header: "Target",
      options: [
        { label: "staging", description: "the test environment" },
        { label: "production", description: "the live site" },
      ],
    };
    return { toolCalls: [{ name: "question", arguments: { questions: [question] } }] };
  }
  if (!made.includes("update_goal")) {
    const answer = toolResults(request).find((result) => result.name === "question")?.content ?? "";
    return { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: `asked: ${answer}` } }] };
  }
  return lastRole === "tool" ? { text: "Done." } : { text: "Nothing left to do." };
}

function toolsScenario(request: RecordedRequest, lastRole: string | undefined): Reply {
  const made = toolCallsMade(request).map((call) => `${call.name}:${JSON.stringify(call.arguments)}`);
  const steps: Reply[] = [
    { toolCalls: [{ name: "create_goal", arguments: { objective: "tools scenario: notes", budget: 5_000 } }] },
    {
      toolCalls: [
        { name: "create_goal", arguments: { objective: "tools scenario: write notes.txt", token_budget: 500_000 } },
      ],
    },
    { toolCalls: [{ name: "get_goal", arguments: {} }] },
    { toolCalls: [{ name: "update_goal", arguments: { status: "paused" } }] },
    { toolCalls: [{ name: "update_goal", arguments: { status: "complete" } }] },
    { toolCalls: [{ name: "write", arguments: { filePath: "notes.txt", content: "notes\n" } }] },
    { toolCalls: [{ name: "update_goal", arguments: { status: "complete", evidence: "notes.txt exists" } }] },
  ];
  if (made.length < steps.length) return steps[made.length] as Reply;
  return lastRole === "tool" ? { text: "Done." } : { text: "Nothing left to do." };
}
