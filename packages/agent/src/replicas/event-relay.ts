import type { EventChannel } from "@pursuit/store";
import type { EventBus, RuntimeEvent } from "../events.js";

/**
 * Joins a replica's event bus to the other replicas': its own events are published on the channel, and theirs
 * are emitted on its bus (so `GET /event` on any replica streams every replica's events), then handed to
 * `heard` (so the replica that drives a session acts on a pause or a prompt another replica took in).
 */
export class EventRelay {
  /** Set while a remote event is emitted here, so it is not published back. */
  private relaying = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly channel: EventChannel,
    private readonly bus: EventBus,
    private readonly heard: (event: RuntimeEvent) => void,
  ) {}

  start(): void {
    this.unsubscribe.push(
      this.bus.subscribe((event) => {
        if (!this.relaying) void this.channel.publish(event);
      }),
      this.channel.subscribe((remote) => {
        const event = remote as RuntimeEvent;
        this.relaying = true;
        try {
          this.bus.emit(event);
        } finally {
          this.relaying = false;
        }
        this.heard(event);
      }),
    );
  }

  async close(): Promise<void> {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    await this.channel.close();
  }
}
