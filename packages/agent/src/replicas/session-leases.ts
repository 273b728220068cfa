import { hostname } from "node:os";
import { createId, type Lease, LeaseLostError, type LeaseStore, type OrphanedSession, runFenced } from "@pursuit/store";

/**
 * Who may drive a session (run its turns, decide its continuations, wait on its checks). One process on SQLite
 * drives every session (`soleDriver`); replicas on PostgreSQL drive the sessions they hold a lease on
 * (`LeaseKeeper`), and the work they start runs under that lease's fence.
 */
export interface SessionLeases {
  /** Runs `work` under the session's lease, taking the lease first if it is free; undefined when another holds it. */
  drive<T>(sessionID: string, directory: string, work: () => Promise<T>): Promise<T | undefined>;
  /** Whether this process drives the session now. */
  holds(sessionID: string): boolean;
  /** Lets every lease go (a graceful stop), so other replicas take the sessions at once. */
  close(): Promise<void>;
}

/** The only process on its database: it drives every session, unfenced. */
export const soleDriver: SessionLeases = {
  drive: (_sessionID, _directory, work) => work(),
  holds: () => true,
  close: async () => {},
};

export type LeaseKeeperOptions = {
  store: LeaseStore;
  /** This replica's name in the lease table (unique per process). */
  holder: string;
  /** How long a lease lasts without renewal. Default 10 s. */
  ttlMs?: number;
  /** Directories this replica can reach; it takes only sessions under one of them. Default: any. */
  workspaceRoots?: readonly string[];
  /** A session this replica just took (at start, or after its holder died): settle what was left, then drive it. */
  taken(sessionID: string): Promise<void>;
  /** A session whose lease this replica lost (it froze, or the database was out of reach): stop driving it. */
  lost(sessionID: string): void;
  onError(message: string): void;
};

export const DEFAULT_LEASE_TTL_MS = 10_000;

/** How many orphaned sessions a replica takes at once. */
const ADOPT_AT_ONCE = 8;

/** How a replica on a shared database leases sessions. */
export type ReplicaOptions = {
  /** Directories this replica can reach; it drives only sessions under one of them. Default: any. */
  workspaceRoots?: readonly string[];
  /** How long a lease lasts unrenewed: a dead replica's sessions go on elsewhere after about this long. */
  leaseTtlMs?: number;
};

/** A replica's name in the lease table: the machine and process, for a person reading it, made unique. */
export const replicaName = (): string => `${hostname()}:${process.pid}:${createId("rep")}`;

/**
 * A replica's leases: renewed every third of their lifetime; sessions whose lease lapsed (their replica died) are
 * looked for as often and taken, so a dead replica's goals go on elsewhere within the lease's lifetime plus a
 * scan. A lease that could not be renewed in time is given up here before another replica can take it.
 */
export class LeaseKeeper implements SessionLeases {
  private readonly held = new Map<string, Lease>();
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private adopting = true;
  /** When the leases held were last renewed (this process's clock; only durations are compared). */
  private renewedAt = Date.now();
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaseKeeperOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  /**
   * Takes the orphaned sessions there are now, then keeps renewing and looking. `adopt: false` (a process that
   * runs one goal of its own) only renews what it takes itself.
   */
  async start(options: { adopt?: boolean } = {}): Promise<void> {
    this.adopting = options.adopt ?? true;
    await this.tick();
    this.schedule();
  }

  async drive<T>(sessionID: string, directory: string, work: () => Promise<T>): Promise<T | undefined> {
    const lease = this.held.get(sessionID) ?? (await this.take(sessionID, directory));
    if (!lease) return undefined;
    return runFenced({ sessionID, holder: lease.holder, token: lease.token }, work);
  }

  /** Whether this replica holds the session's lease now. */
  holds(sessionID: string): boolean {
    return this.held.has(sessionID);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.ticking;
    const sessions = [...this.held.keys()];
    this.held.clear();
    await Promise.allSettled(sessions.map((sessionID) => this.options.store.release(sessionID, this.options.holder)));
  }

  private async giveUp(sessionID: string): Promise<void> {
    this.held.delete(sessionID);
    await this.options.store.release(sessionID, this.options.holder).catch(() => {});
  }

  private reachable(directory: string): boolean {
    const roots = this.options.workspaceRoots;
    if (!roots || roots.length === 0) return true;
    return roots.some((root) => directory === root || directory.startsWith(root.endsWith("/") ? root : `${root}/`));
  }

  private async take(sessionID: string, directory: string): Promise<Lease | undefined> {
    if (this.closed || !this.reachable(directory)) return undefined;
    const askedAt = Date.now();
    const lease = await this.options.store.acquire(sessionID, this.options.holder, this.ttlMs);
    if (!lease) return undefined;
    // The first lease held starts the clock; with others held, the older renewal counts (the safer side).
    if (this.held.size === 0) this.renewedAt = askedAt;
    this.held.set(sessionID, lease);
    return lease;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => this.schedule());
    }, this.ttlMs / 3);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    await this.renew();
    if (this.adopting) await this.adopt();
  }

  private async renew(): Promise<void> {
    const sessions = [...this.held.keys()];
    if (sessions.length === 0) return;
    const askedAt = Date.now();
    let renewed: Lease[];
    try {
      renewed = await this.options.store.renew(this.options.holder, sessions, this.ttlMs);
      this.renewedAt = askedAt;
    } catch (error) {
      this.options.onError(`renewing ${sessions.length} lease(s) failed: ${(error as Error).message}`);
      // Two thirds of the lifetime since the last renewal: another replica may take them soon, so stop first.
      if (Date.now() - this.renewedAt >= (this.ttlMs * 2) / 3) renewed = [];
      else return;
    }
    const kept = new Map(renewed.map((lease) => [lease.sessionID, lease]));
    for (const sessionID of sessions) {
      const lease = kept.get(sessionID);
      if (lease) this.held.set(sessionID, lease);
      else {
        this.held.delete(sessionID);
        this.options.lost(sessionID);
      }
    }
  }

  /** Takes sessions whose live goal no replica drives (their replica died), a few at a time. */
  private async adopt(): Promise<void> {
    let orphans: Awaited<ReturnType<LeaseStore["orphaned"]>>;
    try {
      orphans = await this.options.store.orphaned();
    } catch (error) {
      this.options.onError(`looking for sessions to take failed: ${(error as Error).message}`);
      return;
    }
    // A few at a time: a dead replica's sessions go on together, without a burst of every one at once.
    for (let start = 0; start < orphans.length && !this.closed; start += ADOPT_AT_ONCE) {
      await Promise.all(orphans.slice(start, start + ADOPT_AT_ONCE).map((orphan) => this.adoptOne(orphan)));
    }
  }

  private async adoptOne(orphan: OrphanedSession): Promise<void> {
    if (this.closed || this.held.has(orphan.sessionID)) return;
    const lease = await this.take(orphan.sessionID, orphan.directory);
    if (!lease) return;
    try {
      await runFenced({ sessionID: orphan.sessionID, holder: lease.holder, token: lease.token }, () =>
        this.options.taken(orphan.sessionID),
      );
    } catch (error) {
      if (!(error instanceof LeaseLostError)) {
        this.options.onError(`taking session ${orphan.sessionID} failed: ${(error as Error).message}`);
      }
      // Not driving it: let another replica (or this one, on a later look) take it rather than hold it idle.
      await this.giveUp(orphan.sessionID);
    }
  }
}
