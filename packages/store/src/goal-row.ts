/** Mapping between the core's Goal / GoalHistoryEntry shapes and their SQLite rows. */
import type { Goal, GoalHistoryEntry, GoalLimits } from "@pursuit/core";
import type { GoalHistoryRow, GoalRow, goalHistoryTable, goalTable } from "./schema.js";

type GoalInsert = typeof goalTable.$inferInsert;
type GoalHistoryInsert = typeof goalHistoryTable.$inferInsert;

export function goalToRow(goal: Goal, version: number): GoalInsert {
  return {
    id: goal.id,
    sessionID: goal.sessionID,
    objective: goal.objective,
    status: goal.status,
    reason: goal.reason ?? null,
    limitReached: goal.limit ?? null,
    ceiling: goal.ceiling ?? null,
    limitTokens: goal.limits.tokens ?? null,
    limitTurns: goal.limits.turns ?? null,
    limitSeconds: goal.limits.seconds ?? null,
    limitCostUSD: goal.limits.costUSD ?? null,
    usageTokens: goal.usage.tokens,
    usageInput: goal.usage.input,
    usageCacheRead: goal.usage.cacheRead,
    usageCacheWrite: goal.usage.cacheWrite,
    usageOutput: goal.usage.output,
    usageReasoning: goal.usage.reasoning,
    usageCostUSD: goal.usage.costUSD,
    usageTurns: goal.usage.turns,
    usageSeconds: goal.usage.seconds,
    evidence: goal.evidence ?? null,
    verify: goal.verify ?? null,
    wait: goal.wait ?? null,
    quietWakes: goal.quietWakes ?? 0,
    maxWaitSeconds: goal.maxWaitSeconds ?? null,
    waitForQuota: goal.waitForQuota === undefined ? null : Number(goal.waitForQuota),
    criteria: goal.criteria ?? null,
    webhooks: goal.webhooks ?? null,
    createdBy: goal.createdBy,
    timeCreated: goal.time.created,
    timeUpdated: goal.time.updated,
    timeCompleted: goal.time.completed ?? null,
    version,
  };
}

export function rowToGoal(row: GoalRow): Goal {
  const limits: GoalLimits = {};
  if (row.limitTokens !== null) limits.tokens = row.limitTokens;
  if (row.limitTurns !== null) limits.turns = row.limitTurns;
  if (row.limitSeconds !== null) limits.seconds = row.limitSeconds;
  if (row.limitCostUSD !== null) limits.costUSD = row.limitCostUSD;
  const goal: Goal = {
    id: row.id,
    sessionID: row.sessionID,
    objective: row.objective,
    status: row.status,
    limits,
    usage: {
      tokens: row.usageTokens,
      input: row.usageInput,
      cacheRead: row.usageCacheRead,
      cacheWrite: row.usageCacheWrite,
      output: row.usageOutput,
      reasoning: row.usageReasoning,
      costUSD: row.usageCostUSD,
      turns: row.usageTurns,
      seconds: row.usageSeconds,
    },
    createdBy: row.createdBy,
    time: { created: row.timeCreated, updated: row.timeUpdated },
  };
  // Optional fields stay absent (not undefined-valued) so a read goal deep-equals the goal written.
  if (row.reason !== null) goal.reason = row.reason;
  if (row.limitReached !== null) goal.limit = row.limitReached;
  if (row.ceiling !== null) goal.ceiling = row.ceiling;
  if (row.evidence !== null) goal.evidence = row.evidence;
  if (row.verify !== null) goal.verify = row.verify;
  if (row.wait !== null) goal.wait = row.wait;
  if (row.quietWakes > 0) goal.quietWakes = row.quietWakes;
  if (row.maxWaitSeconds !== null) goal.maxWaitSeconds = row.maxWaitSeconds;
  if (row.waitForQuota !== null) goal.waitForQuota = row.waitForQuota === 1;
  if (row.criteria !== null) goal.criteria = row.criteria;
  if (row.webhooks !== null) goal.webhooks = row.webhooks;
  if (row.timeCompleted !== null) goal.time.completed = row.timeCompleted;
  return goal;
}

export function historyToRow(entry: GoalHistoryEntry): GoalHistoryInsert {
  const { goalID, sessionID, actor, time, kind, ...data } = entry;
  return {
    goalID,
    sessionID,
    actor,
    kind,
    time,
    data,
    chargeKey: entry.kind === "charged" ? entry.key : null,
  };
}

export function rowToHistory(row: GoalHistoryRow): GoalHistoryEntry {
  return {
    ...row.data,
    kind: row.kind,
    goalID: row.goalID,
    sessionID: row.sessionID,
    actor: row.actor,
    time: row.time,
  } as GoalHistoryEntry;
}
