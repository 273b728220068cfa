import { estimateTokens, type StepUsage, type ToolResultFact } from "@pursuit/core";
import { parseRetryAfter, quotaResetOf } from "@pursuit/driver";
import {
  type OpencodeTokens,
  type OpencodeToolPart,
  stepUsageFromOpencode,
  toolFactFromPart,
} from "./opencode-usage.js";

/** Why a turn failed, as far as the goal is concerned. */
export type TurnFailure =
  | { kind: "aborted" }
  | { kind: "error"; message: string; retryAfterMs?: number; quotaResetAt?: number };

/**
 * What the host learns from OpenCode's bus, decoded once into one union so each case is handled exactly once
 * (and the compiler says so when a case is added).
 */
export type OpencodeEvent =
  /** The session started working (a turn is running). */
  | { type: "busy"; sessionID: string }
  /**
   * Anything else streamed for a turn (text, reasoning, a tool call): a turn is running. `toolRunning`: a tool
   * is executing, so the model is not streaming now.
   */
  | {
      type: "activity";
      sessionID: string;
      toolRunning?: boolean;
      streamedChars?: number;
      /** A tool call the model wrote (its part id and the characters of its name and arguments). */
      toolCall?: { partID: string; chars: number };
    }
  /** OpenCode compacted the session's history (its own summary replaced older messages). */
  | { type: "compacted"; sessionID: string }
  | { type: "step-finished"; sessionID: string; stepID: string; usage: StepUsage; costUSD?: number }
  /** `outputTokens`: an estimate of the tool's output, which the next model request sends. */
  | {
      type: "tool-finished";
      sessionID: string;
      partID: string;
      fact: ToolResultFact;
      outputTokens: number;
      toolCall: { partID: string; chars: number };
    }
  | { type: "failed"; sessionID: string; failure: TurnFailure }
  | { type: "idle"; sessionID: string }
  /** OpenCode waits to retry a failed request; `quotaResetAt` when its message says a usage quota is exhausted. */
  | { type: "retrying"; sessionID: string; message: string; quotaResetAt?: number }
  /** A permission request or a question waits on a person. */
  | { type: "person-asked"; sessionID: string; requestID: string; asked: string }
  | { type: "person-answered"; sessionID: string; requestID: string }
  | { type: "deleted"; sessionID: string };

/** A bus event as OpenCode publishes it (shapes from @opencode-ai/sdk 1.18). */
export type RawOpencodeEvent = { type: string; properties?: unknown };

/** Decodes the events the host reacts to; every other event (and any malformed one) is `undefined`. */
export function decodeOpencodeEvent(event: RawOpencodeEvent, now: number): OpencodeEvent | undefined {
  const p = record(event.properties);
  if (!p) return undefined;
  switch (event.type) {
    case "session.status": {
      const sessionID = text(p.sessionID);
      const status = record(p.status);
      if (sessionID && status?.type === "retry") return decodeRetry(sessionID, status, now);
      return sessionID && status?.type === "busy" ? { type: "busy", sessionID } : undefined;
    }
    case "session.idle": {
      const sessionID = text(p.sessionID);
      return sessionID ? { type: "idle", sessionID } : undefined;
    }
    case "session.error": {
      const sessionID = text(p.sessionID);
      return sessionID ? { type: "failed", sessionID, failure: decodeFailure(record(p.error), now) } : undefined;
    }
    case "session.deleted": {
      const sessionID = text(record(p.info)?.id);
      return sessionID ? { type: "deleted", sessionID } : undefined;
    }
    case "message.part.updated":
      return decodePart(record(p.part));
    case "message.part.delta": {
      const sessionID = text(p.sessionID);
      const delta = typeof p.delta === "string" ? p.delta.length : 0;
      return sessionID ? { type: "activity", sessionID, streamedChars: delta } : undefined;
    }
    case "session.compacted": {
      const sessionID = text(p.sessionID);
      return sessionID ? { type: "compacted", sessionID } : undefined;
    }
    case "permission.asked":
    case "permission.updated":
    case "question.asked": {
      const sessionID = text(p.sessionID);
      const requestID = text(p.id);
      return sessionID && requestID ? { type: "person-asked", sessionID, requestID, asked: whatIsAsked(p) } : undefined;
    }
    case "permission.replied":
    case "question.replied":
    case "question.rejected": {
      const sessionID = text(p.sessionID);
      const requestID = text(p.requestID) ?? text(p.permissionID);
      return sessionID && requestID ? { type: "person-answered", sessionID, requestID } : undefined;
    }
    default:
      return undefined;
  }
}

/** A permission request's or a question's words, short, for the goal's "needs input" reason. */
function whatIsAsked(p: Record<string, unknown>): string {
  const questions = Array.isArray(p.questions) ? p.questions : [];
  const question = text(record(questions[0])?.question) ?? text(record(questions[0])?.header);
  const patterns = Array.isArray(p.patterns) ? p.patterns.filter((item) => typeof item === "string") : [];
  const permission =
    text(p.title) ?? (text(p.permission) ? `allow ${text(p.permission)} ${patterns.join(" ")}` : undefined);
  const asked = (question ?? permission ?? "a person's answer").replace(/\s+/g, " ").trim();
  return asked.length > 200 ? `${asked.slice(0, 197)}...` : asked;
}

function decodePart(part: Record<string, unknown> | undefined): OpencodeEvent | undefined {
  const sessionID = text(part?.sessionID);
  const id = text(part?.id);
  if (!part || !sessionID || !id) return undefined;
  if (part.type === "step-finish") {
    const usage = stepUsageFromOpencode((record(part.tokens) ?? {}) as OpencodeTokens);
    // OpenCode reports 0 for models without configured prices: that is "unknown", not "free".
    const cost = typeof part.cost === "number" && part.cost > 0 ? part.cost : undefined;
    return { type: "step-finished", sessionID, stepID: id, usage, ...(cost !== undefined ? { costUSD: cost } : {}) };
  }
  if (part.type === "tool" && record(part.state)) {
    const fact = toolFactFromPart(part as unknown as OpencodeToolPart);
    const state = record(part.state);
    const output = text(state?.output) ?? text(state?.error) ?? "";
    // OpenCode streams no deltas of a tool call's arguments; once it leaves `pending` they are written whole,
    // and count as streamed output.
    const toolCall = {
      partID: id,
      chars: String(part.tool ?? "").length + (JSON.stringify(state?.input ?? {}) ?? "").length,
    };
    if (fact)
      return { type: "tool-finished", sessionID, partID: id, fact, outputTokens: estimateTokens(output), toolCall };
    if (state?.status === "running") return { type: "activity", sessionID, toolRunning: true, toolCall };
  }
  return { type: "activity", sessionID };
}

function decodeFailure(error: Record<string, unknown> | undefined, now: number): TurnFailure {
  if (error?.name === "MessageAbortedError") return { kind: "aborted" };
  const data = record(error?.data);
  const message = text(data?.message) ?? text(error?.name) ?? "unknown error";
  const headers = record(data?.responseHeaders) as Record<string, string> | undefined;
  const retryAfterMs = parseRetryAfter(headers, now);
  const statusCode = typeof data?.statusCode === "number" ? data.statusCode : undefined;
  const quotaResetAt = quotaResetOf(
    {
      ...(statusCode !== undefined ? { statusCode } : {}),
      text: `${message}\n${text(data?.responseBody) ?? ""}`,
      ...(headers ? { headers } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    },
    now,
  );
  return {
    kind: "error",
    message,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(quotaResetAt !== undefined ? { quotaResetAt } : {}),
  };
}

/**
 * OpenCode's retry status: `{type: "retry", attempt, message, next}`. It keeps the turn open until `next`; when its
 * message says a usage quota is exhausted, the goal waits for the reset instead (see the host).
 */
function decodeRetry(sessionID: string, status: Record<string, unknown>, now: number): OpencodeEvent {
  const message = text(status.message) ?? "retrying";
  const next = typeof status.next === "number" ? status.next : undefined;
  // The status carries no HTTP status: only a message that speaks of a quota counts, with OpenCode's next try.
  const quotaResetAt = quotaResetOf(
    { statusCode: 429, text: message, ...(next !== undefined ? { retryAfterMs: Math.max(0, next - now) } : {}) },
    now,
  );
  return { type: "retrying", sessionID, message, ...(quotaResetAt !== undefined ? { quotaResetAt } : {}) };
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
