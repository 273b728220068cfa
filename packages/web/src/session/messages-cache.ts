import type { Event, MessageWithParts } from "@pursuit/sdk";

type MessageEvent = Extract<Event, { type: "message.updated" | "message.part.updated" }>;

/** The transcript after one message event: the message or part replaced in place, or appended in order. */
export function applyMessageEvent(list: MessageWithParts[], event: MessageEvent): MessageWithParts[] {
  if (event.type === "message.updated") {
    const info = event.properties.info;
    const index = list.findIndex((message) => message.id === info.id);
    if (index < 0) return [...list, { ...info, parts: [] }].sort((a, b) => a.seq - b.seq);
    return list.map((message, at) => (at === index ? { ...message, ...info } : message));
  }
  const part = event.properties.part;
  const index = list.findIndex((message) => message.id === part.messageID);
  if (index < 0) return list;
  return list.map((message, at) => {
    if (at !== index) return message;
    const existing = message.parts.findIndex((candidate) => candidate.id === part.id);
    const parts =
      existing < 0
        ? [...message.parts, part].sort((a, b) => a.seq - b.seq)
        : message.parts.map((candidate, partAt) => (partAt === existing ? part : candidate));
    return { ...message, parts };
  });
}
