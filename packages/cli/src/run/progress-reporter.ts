import type { RuntimeEvent } from "@pursuit/agent";
import type { Goal, GoalWait } from "@pursuit/core";
import { formatDuration, formatTokens } from "@pursuit/core";

export type TextSink = { write(text: string): unknown; isTTY?: boolean; columns?: number };

/**
 * Live progress of one session on stderr: turn, tokens used of the limit, elapsed time, current tool.
 * On a terminal it redraws one status line; anywhere else it writes plain lines (no escape codes) when
 * something notable happens, so logs and pipes stay readable.
 */
export class ProgressReporter {
  private goal: Goal | undefined;
  private busy = false;
  private tool: string | undefined;
  private lineShown = false;
  private timer: NodeJS.Timeout | undefined;
  private lastStatus: string | undefined;
  /** The number of the running turn, fixed when it starts (usage.turns is charged before it ends). */
  private currentTurn = 0;
  private drawn = "";

  constructor(
    private readonly sink: TextSink,
    private readonly sessionID: string,
    private readonly startedAt = Date.now(),
  ) {
    if (sink.isTTY) this.timer = setInterval(() => this.redraw(), 250).unref();
  }

  setGoal(goal: Goal | undefined): void {
    this.goal = goal;
    this.lastStatus = goal?.status;
    this.redraw();
  }

  onEvent(event: RuntimeEvent): void {
    switch (event.type) {
      case "session.status":
        if (event.properties.sessionID !== this.sessionID) return;
        if (event.properties.status.type === "busy" && !this.busy) {
          this.busy = true;
          this.currentTurn = (this.goal?.usage.turns ?? 0) + 1;
          this.line(`turn ${this.turn()} started${this.budgetText(" (", ")")}`);
        } else if (event.properties.status.type === "retry") {
          const wait = Math.max(0, (event.properties.status.next - Date.now()) / 1000);
          this.line(`model error, retrying in ${wait.toFixed(1)}s: ${event.properties.status.message}`);
        }
        break;
      case "session.idle":
        if (event.properties.sessionID !== this.sessionID) return;
        this.busy = false;
        this.tool = undefined;
        break;
      case "session.compacted": {
        if (event.properties.sessionID !== this.sessionID) return;
        const { tokensBefore, tokensAfter, summarised } = event.properties;
        const how = summarised ? "summarised" : "old tool outputs dropped";
        this.line(`context compacted (${how}): ~${formatTokens(tokensBefore)} -> ~${formatTokens(tokensAfter)} tokens`);
        break;
      }
      case "session.error":
        if (event.properties.sessionID !== this.sessionID) return;
        this.line(`error: ${event.properties.error.message}`);
        break;
      case "message.part.updated": {
        const { part } = event.properties;
        if (part.sessionID !== this.sessionID || part.data.type !== "tool") return;
        if (part.data.state.status === "running") {
          this.tool = describeTool(part.data.tool, part.data.state.input);
          this.line(`tool ${this.tool}`);
        } else if (part.data.state.status === "completed" || part.data.state.status === "error") {
          if (part.data.state.status === "error")
            this.line(`tool ${part.data.tool} failed: ${firstLine(part.data.state.error)}`);
          this.tool = undefined;
        }
        break;
      }
      case "session.goal.updated":
      case "session.goal.continued":
        if (event.properties.sessionID !== this.sessionID) return;
        // A new goal (the next of a queue, say) is announced as set, not as a status change of the last one.
        if (this.goal?.id !== event.properties.goal.id) this.lastStatus = undefined;
        this.goal = event.properties.goal;
        if (this.lastStatus === undefined) {
          this.lastStatus = this.goal.status;
          this.line(`goal set: ${firstLine(this.goal.objective)}`);
        } else if (this.goal.status !== this.lastStatus) {
          this.lastStatus = this.goal.status;
          const why = this.goal.reason ?? (this.goal.limit ? `${this.goal.limit} limit reached` : undefined);
          this.line(
            `goal ${this.goal.status}${why ? `: ${why}` : ""}${this.goal.wait ? describeWait(this.goal.wait) : ""}`,
          );
        }
        break;
      case "session.goal.cleared":
        if (event.properties.sessionID !== this.sessionID) return;
        this.goal = undefined;
        this.line("goal cleared");
        break;
      default:
        return;
    }
    this.redraw();
  }

  /** Writes a line above the status line (or on its own without a terminal). */
  line(text: string): void {
    const stamp = `[${formatDuration((Date.now() - this.startedAt) / 1000).padStart(7)}]`;
    this.clear();
    this.sink.write(`${stamp} ${text}\n`);
    this.redraw();
  }

  /** Removes the status line and stops redrawing. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private turn(): number {
    return this.busy ? this.currentTurn : (this.goal?.usage.turns ?? 0);
  }

  private budgetText(open: string, close: string): string {
    if (!this.goal) return "";
    const { usage, limits } = this.goal;
    const parts = [`${formatTokens(usage.tokens)}${limits.tokens ? ` of ${formatTokens(limits.tokens)}` : ""} tokens`];
    if (limits.turns) parts.push(`${usage.turns} of ${limits.turns} turns`);
    if (limits.costUSD) parts.push(`$${(usage.costUSD ?? 0).toFixed(2)} of $${limits.costUSD.toFixed(2)}`);
    return `${open}${parts.join(", ")}${close}`;
  }

  private redraw(): void {
    if (!this.sink.isTTY || !this.timer) return;
    const elapsed = formatDuration((Date.now() - this.startedAt) / 1000);
    const fields = [
      this.busy ? `turn ${this.turn()}` : this.goal ? `goal ${this.goal.status}` : "idle",
      !this.busy && this.goal?.wait?.wakeAt !== undefined
        ? `wakes in ${formatDuration(Math.max(0, this.goal.wait.wakeAt - Date.now()) / 1000)}`
        : "",
      this.budgetText("", ""),
      elapsed,
      this.tool ?? (this.busy ? "thinking" : ""),
    ].filter(Boolean);
    const width = Math.max(20, (this.sink.columns || 80) - 1);
    const text = fields.join(" | ").slice(0, width);
    if (this.lineShown && text === this.drawn) return;
    this.sink.write(`\r\x1b[2K${text}`);
    this.drawn = text;
    this.lineShown = true;
  }

  private clear(): void {
    if (this.sink.isTTY && this.lineShown) this.sink.write("\r\x1b[2K");
    this.lineShown = false;
  }
}

/** " (checks `gh run view` again at 10:42:05; wakes by 11:05:00)": what a waiting goal does by itself. */
export function describeWait(wait: GoalWait): string {
  const clock = (time: number) => new Date(time).toLocaleTimeString();
  const parts = [
    wait.check ? `checks \`${firstLine(wait.check.command).slice(0, 60)}\` again at ${clock(wait.check.nextAt)}` : "",
    wait.wakeAt !== undefined ? `wakes by ${clock(wait.wakeAt)}` : "until a person answers",
  ].filter(Boolean);
  return ` (${parts.join("; ")}; Ctrl-C pauses)`;
}

/** "write notes.md", "bash npm test", "read src/a.ts": the tool and its most telling argument. */
export function describeTool(tool: string, input: unknown): string {
  const args = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const detail = ["path", "filePath", "command", "pattern", "file"]
    .map((key) => args[key])
    .find((v) => typeof v === "string");
  return detail ? `${tool} ${firstLine(String(detail)).slice(0, 60)}` : tool;
}

const firstLine = (text: string) => text.split("\n")[0] ?? "";
