import { z } from "@hono/zod-openapi";
import { GoalSchema } from "./goal-schemas.js";
import { MessageSchema, PartSchema } from "./message-schemas.js";
import { SessionSchema, SessionStatusSchema } from "./session-schemas.js";

const event = <T extends string, P extends z.ZodType>(type: T, properties: P, name: string) =>
  z.object({ type: z.literal(type), properties }).openapi(name);

const sessionRef = z.object({ sessionID: z.string() });

/** The runtime's event union as GET /event sends it (one JSON object per SSE `data:`), plus the server's own two. */
export const EventSchema = z
  .discriminatedUnion("type", [
    event("server.connected", z.object({}), "EventServerConnected"),
    event("server.heartbeat", z.object({}), "EventServerHeartbeat"),
    event("session.created", z.object({ info: SessionSchema }), "EventSessionCreated"),
    event("session.updated", z.object({ info: SessionSchema }), "EventSessionUpdated"),
    event("session.deleted", z.object({ info: SessionSchema }), "EventSessionDeleted"),
    event("session.status", z.object({ sessionID: z.string(), status: SessionStatusSchema }), "EventSessionStatus"),
    event("session.idle", sessionRef, "EventSessionIdle"),
    event(
      "session.error",
      z.object({ sessionID: z.string(), error: z.object({ name: z.string(), message: z.string() }) }),
      "EventSessionError",
    ),
    event(
      "session.compacted",
      z.object({
        sessionID: z.string(),
        reason: z.enum(["threshold", "too_long"]),
        summarised: z.boolean(),
        tokensBefore: z.number().openapi({ description: "Estimated prompt tokens before the compaction" }),
        tokensAfter: z.number().openapi({ description: "Estimated prompt tokens after it" }),
      }),
      "EventSessionCompacted",
    ),
    event("message.updated", z.object({ info: MessageSchema }), "EventMessageUpdated"),
    event(
      "message.part.updated",
      z.object({
        part: PartSchema,
        delta: z.string().optional().openapi({ description: "Text appended since the part's previous update" }),
      }),
      "EventMessagePartUpdated",
    ),
    event("session.goal.updated", z.object({ sessionID: z.string(), goal: GoalSchema }), "EventGoalUpdated"),
    event("session.goal.cleared", sessionRef, "EventGoalCleared"),
    event("session.goal.continued", z.object({ sessionID: z.string(), goal: GoalSchema }), "EventGoalContinued"),
  ])
  .openapi("Event");

export type ServerEvent = z.infer<typeof EventSchema>;
