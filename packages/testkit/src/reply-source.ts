import type { Behaviour, BehaviourContext, RecordedRequest, Reply } from "./types.js";

/** Picks the reply for each request; one instance per behaviour, so an array restarts when it is replaced. */
export type ReplySource = (request: RecordedRequest, context: BehaviourContext) => Promise<Reply>;

/** Used when a script runs out and no default is configured and the script was empty. */
export const EMPTY_SCRIPT_REPLY: Reply = { text: "(the scripted model has no reply left)" };

/**
 * Array behaviours are served in request order; once the list is used up, `defaultReply` is served if given,
 * else the last item again. Function behaviours are asked for every request.
 */
export function createReplySource(behaviour: Behaviour, defaultReply?: Reply): ReplySource {
  if (typeof behaviour === "function") {
    return async (request, context) => behaviour(request, context);
  }
  if (!Array.isArray(behaviour)) {
    throw new TypeError("behaviour must be an array of replies or a function (request, context) => reply");
  }
  const script = [...behaviour];
  let served = 0;
  return async () => {
    const next = script[served] ?? defaultReply ?? script.at(-1) ?? EMPTY_SCRIPT_REPLY;
    served++;
    return next;
  };
}
