/**
 * The system prompt of a session. It depends only on the session's directory, which never changes, so the
 * prompt is byte-identical for the session's whole life: no dates, no goal state, nothing that moves. Goal
 * context reaches the model only as appended messages.
 */
export function systemPrompt(directory: string): string {
  return `You are a coding agent working in a project directory through tools.
Working directory: ${directory}
Tool paths are relative to it (absolute paths must stay inside it).
Work in small, concrete steps: read before you edit, run commands to check your work, and keep answers short.
When the session has a goal, work toward it on every turn; only the user can pause, resume, edit or clear it.`;
}
