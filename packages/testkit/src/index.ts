export { billedTokens } from "./billed-tokens.js";
export { type CompletionMeta, completionJson, splitIntoPieces, streamChunks } from "./completion-chunks.js";
export { contextWindowError } from "./context-window.js";
export { type ConversationKeyFunction, defaultConversationKey } from "./conversation-key.js";
export {
  createDemoBehaviour,
  type DemoBehaviourOptions,
  demoBehaviour,
  filesToWrite,
  writeArgumentNames,
} from "./demo-behaviour.js";
export { openAiErrorBody } from "./openai-error.js";
export { outputLimit, planResponse } from "./plan-response.js";
export { pollUntil } from "./poll-until.js";
export * from "./postgres-cluster.js";
export {
  type AnalyzableRequest,
  analyzePrefixReuse,
  type ConversationReuse,
  comparePrefix,
  type PrefixComparison,
  type PrefixReuseOptions,
  type PrefixReusePair,
  type PrefixReuseReport,
} from "./prefix-reuse.js";
export { createReplySource, type ReplySource } from "./reply-source.js";
export {
  countToolCalls,
  findTool,
  hasTool,
  lastToolResult,
  lastUserText,
  type MadeToolCall,
  messages,
  messageText,
  type RequestLike,
  systemText,
  type ToolResult,
  toolCallsMade,
  toolNames,
  toolResults,
  userTexts,
} from "./scenario-helpers.js";
export { type ScriptedModel, type ScriptedModelOptions, startScriptedModel } from "./scripted-model.js";
export type * from "./types.js";
export {
  BYTES_PER_TOKEN,
  buildUsage,
  estimateCachedTokens,
  estimateOutputTokens,
  estimatePromptTokens,
  promptBytes,
} from "./usage-estimate.js";
export * from "./webhook-receiver.js";
