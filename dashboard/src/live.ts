/** The live event store over the one shared WebSocket: subscriptions, dedupe by (session, seq), resync, hooks. */
import { createContext, useContext, useEffect, useLayoutEffect, useRef, useSyncExternalStore } from "react";

import { unwrap, type EventName, type EventOf, type Schemas, type StreamEvent } from "@iris/client";

import { REVOKED_MESSAGE, type Signed, type SocketState } from "./session";
import { FleetStore, type HealthState, type PendingPermission, type SessionRow, type TeamEntry } from "./store";

const PAGE = 500;
/** How long to gather pairs to refetch before asking (one request per pair, or one for the whole fleet). */
const PAIR_DELAY_MS = 400;
/** After this many pairs to refetch at once, refetch the fleet instead. */
const PAIRS_PER_FLEET = 3;

/**
 * Marks for the benchmark (`?bench=1` in the address): each event's arrival is a `performance.mark`, and the
 * time until the fleet has rendered what it changed is a `performance.measure("iris:apply")`.
 */
class Bench {
  private n = 0;
  private readonly waiting = new Map<string, string[]>();
  private readonly mounted = new Map<string, number>();

  arrived(): string {
    const mark = `iris:event:${++this.n}`;
    performance.mark(mark);
    return mark;
  }

  /** The event changed what `key` renders: measure when it has rendered (or now, if nothing shows it). */
  applied(mark: string, key: string | undefined, name: string): void {
    if (key === undefined || !this.mounted.get(key)) {
      this.measure(mark, name);
      return;
    }
    let list = this.waiting.get(key);
    if (!list) this.waiting.set(key, (list = []));
    list.push(`${mark}\u0000${name}`);
  }

  /** `key` has rendered (a layout effect after commit). */
  rendered(key: string): void {
    const list = this.waiting.get(key);
    if (!list) return;
    this.waiting.delete(key);
    for (const entry of list) {
      const [mark, name] = entry.split("\u0000") as [string, string];
      this.measure(mark, name);
    }
  }

  mount(key: string): () => void {
    this.mounted.set(key, (this.mounted.get(key) ?? 0) + 1);
    return () => {
      const left = (this.mounted.get(key) ?? 1) - 1;
      if (left > 0) this.mounted.set(key, left);
      else {
        this.mounted.delete(key);
        this.rendered(key);
      }
    };
  }

  private measure(mark: string, name: string): void {
    try {
      performance.measure("iris:apply", { start: mark, detail: { event: name } });
    } finally {
      performance.clearMarks(mark);
    }
  }
}

function benchEnabled(): boolean {
  try {
    return new URLSearchParams(window.location.search).get("bench") === "1";
  } catch {
    return false;
  }
}

/** The live store of the signed-in session. */
export class Live {
  readonly signed: Signed;
  readonly socketState: SocketState;
  readonly fleet = new FleetStore();
  readonly bench: Bench | null = benchEnabled() ? new Bench() : null;

  private readonly lastSeq = new Map<string, number>();
  private readonly buffers = new Map<string, { users: number; events: StreamEvent[] }>();
  private readonly bufferListeners = new Map<string, Set<() => void>>();
  private readonly listeners = new Map<string, Set<(event: StreamEvent) => void>>();
  private readonly offs: (() => void)[] = [];
  private readonly pairs = new Map<string, { team: string; fromTeam: string }>();
  private pairTimer: ReturnType<typeof setTimeout> | undefined;
  private resyncTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private wasDown = false;

  constructor(signed: Signed, socketState: SocketState) {
    this.signed = signed;
    this.socketState = socketState;
    this.offs.push(signed.socket.onEvent((event) => this.receive(event)));
    this.offs.push(
      socketState.subscribe(() => {
        if (socketState.status === "reconnecting") this.wasDown = true;
        else if (this.wasDown) {
          // Session events missed while down are replayed (afterSeq); team and system ones are not: reload.
          this.wasDown = false;
          this.scheduleResync(300);
        }
      }),
    );
    void this.start();
  }

  /** Stop listening (the socket itself is closed by sign-out). */
  close(): void {
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    clearTimeout(this.pairTimer);
    clearTimeout(this.resyncTimer);
  }

  // ------------------------------------------------------------------ loading

  private async start(): Promise<void> {
    const { signed } = this;
    if (signed.can("status:read")) {
      void signed.socket.subscribeSystem().catch(() => undefined);
      await Promise.all([this.loadTeams(), this.loadStatus(), this.loadPermissions()]);
    } else {
      this.fleet.failed(undefined);
      await this.loadHealth();
    }
  }

  /** Reload what events cannot replay: the fleet, health and pending permissions. */
  private async resync(): Promise<void> {
    if (this.closed || !this.signed.can("status:read")) return;
    await Promise.all([this.loadTeams(), this.loadStatus(), this.loadPermissions()]);
  }

  private scheduleResync(delay: number): void {
    clearTimeout(this.resyncTimer);
    this.resyncTimer = setTimeout(() => void this.resync(), delay);
  }

  private async loadTeams(): Promise<void> {
    const { client, socket } = this.signed;
    const teams: Schemas["TeamInfo"][] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await client.GET("/api/teams", {
            params: { query: { includeSessions: true, limit: PAGE, ...(cursor ? { cursor } : {}) } },
          }),
        );
        teams.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !this.closed);
    } catch (error) {
      if (!this.fleet.loaded) this.fleet.failed(error);
      return;
    }
    if (this.closed) return;
    this.fleet.load(teams);
    for (const name of this.fleet.teamNames) {
      if (!socket.teams.has(name)) void socket.subscribeTeam(name).catch(() => undefined);
    }
    this.followSessions();
  }

  /**
   * Subscribe to every session the fleet shows (its tells' lifecycle keeps the rows live). A loaded session is
   * followed from the seq it was read at, and one the fleet learnt of from its `process:spawned` from its start
   * (`afterSeq` 0), so that no tell that ended in between is missed (nor counted twice).
   */
  followSessions(): void {
    if (!this.signed.can("cache:read")) return;
    const { socket } = this.signed;
    const shown = new Set(this.fleet.sessionIds());
    for (const id of shown) {
      if (socket.sessions.has(id) || !this.mayFollow(id)) continue;
      const afterSeq = this.lastSeq.get(id) ?? this.fleet.loadedSeq(id) ?? (this.fleet.bornLive(id) ? 0 : undefined);
      void socket.subscribeSession(id, afterSeq).catch(() => undefined);
    }
    for (const id of [...socket.sessions.keys()]) {
      if (!shown.has(id) && !this.buffers.has(id)) void socket.unsubscribeSession(id).catch(() => undefined);
    }
  }

  /** A session's events are the key's to follow when both its team and its caller are within its scope. */
  private mayFollow(sessionId: string): boolean {
    const row = this.fleet.row(sessionId);
    if (!row) return false;
    return this.signed.canTeam(row.team) && (row.fromTeam === "external" || this.signed.canTeam(row.fromTeam));
  }

  private async loadStatus(): Promise<void> {
    try {
      const status = unwrap(await this.signed.client.GET("/api/status"));
      this.fleet.setHealth({
        totalProcesses: status.totalProcesses,
        maxProcesses: status.maxProcesses,
        uptime: status.uptime,
        at: Date.now(),
        status: status.status,
        queuedTells: status.queuedTells,
        pendingPermissions: status.pendingPermissions,
      });
    } catch {
      await this.loadHealth();
    }
  }

  private async loadHealth(): Promise<void> {
    try {
      const health = unwrap(await this.signed.client.GET("/api/health"));
      this.fleet.setHealth({
        totalProcesses: null,
        maxProcesses: null,
        uptime: health.uptime,
        at: Date.now(),
        status: health.status,
        queuedTells: null,
        pendingPermissions: null,
      });
    } catch {
      // the Health region says it is unknown
    }
  }

  private async loadPermissions(): Promise<void> {
    const items: PendingPermission[] = [];
    try {
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await this.signed.client.GET("/api/permissions", {
            params: { query: { limit: PAGE, ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && !this.closed);
    } catch {
      return;
    }
    if (!this.closed) this.fleet.setPending(items);
  }

  /** Ask for one pair's status soon (gathered; many at once become one fleet reload). */
  needPair(team: string, fromTeam: string): void {
    if (this.closed || !this.signed.can("status:read")) return;
    this.pairs.set(`${team}\u0000${fromTeam}`, { team, fromTeam });
    if (this.pairTimer !== undefined) return;
    this.pairTimer = setTimeout(() => {
      this.pairTimer = undefined;
      const pairs = [...this.pairs.values()];
      this.pairs.clear();
      // A caller outside the key's scope may not be named (403): the whole fleet is read instead.
      const nameable = pairs.every((pair) => pair.fromTeam === "external" || this.signed.canTeam(pair.fromTeam));
      if (pairs.length > PAIRS_PER_FLEET || !nameable) {
        void this.loadTeams();
        return;
      }
      for (const pair of pairs) void this.loadPair(pair.team, pair.fromTeam);
    }, PAIR_DELAY_MS);
  }

  private async loadPair(team: string, fromTeam: string): Promise<void> {
    try {
      const page = unwrap(await this.signed.client.GET("/api/teams/status", { params: { query: { team, fromTeam } } }));
      const status = page.items.find((item) => item.team === team);
      if (status && !this.closed) {
        this.fleet.loadPair(status, fromTeam);
        this.followSessions();
      }
    } catch {
      // a later event or resync brings it
    }
  }

  // ------------------------------------------------------------------ events

  private receive(event: StreamEvent): void {
    const mark = this.bench?.arrived();
    const data = event.data as { sessionId?: unknown; seq?: unknown } | undefined;
    const sessionId = typeof data?.sessionId === "string" ? data.sessionId : undefined;
    const seq = typeof data?.seq === "number" ? data.seq : undefined;
    if (sessionId !== undefined && seq !== undefined) {
      const last = this.lastSeq.get(sessionId);
      if (last !== undefined && seq <= last) {
        // seen before: a replay after a reconnect
        if (mark) this.bench?.applied(mark, undefined, "duplicate");
        return;
      }
      this.lastSeq.set(sessionId, seq);
      const buffer = this.buffers.get(sessionId);
      if (buffer) {
        buffer.events = [...buffer.events, event];
        for (const listener of this.bufferListeners.get(sessionId) ?? []) listener();
      }
    }
    let changed: string | undefined;
    if (event.event === "reset") {
      this.onReset(event.data.sessionId);
    } else if (event.event === "error") {
      if (event.data.error === "UnauthorizedError") this.signed.signOut(REVOKED_MESSAGE);
    } else {
      changed = this.fleet.apply(event, Date.now(), (team, fromTeam) => this.needPair(team, fromTeam));
      if (event.event === "process:spawned" && !this.signed.socket.sessions.has(event.data.sessionId)) {
        this.followSessions();
      }
    }
    for (const listener of this.listeners.get(event.event) ?? []) listener(event);
    if (mark) this.bench?.applied(mark, changed, event.event);
  }

  private onReset(sessionId: string | undefined): void {
    if (!sessionId) {
      this.scheduleResync(300);
      return;
    }
    const row = this.fleet.row(sessionId);
    if (row) this.needPair(row.team, row.fromTeam);
  }

  /** Call `listener` for each (deduplicated) event named `name`; returns the unsubscribe function. */
  on<N extends EventName>(name: N, listener: (event: EventOf<N>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const wrapped = listener as (event: StreamEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Start keeping a session's events (subscribing to it when needed); returns the release function. */
  retainSession(sessionId: string): () => void {
    let buffer = this.buffers.get(sessionId);
    if (!buffer) this.buffers.set(sessionId, (buffer = { users: 0, events: [] }));
    const kept = buffer;
    kept.users += 1;
    const socket = this.signed.socket;
    if (!socket.sessions.has(sessionId)) {
      void socket.subscribeSession(sessionId, this.lastSeq.get(sessionId)).catch(() => undefined);
    }
    return () => {
      kept.users -= 1;
      if (kept.users > 0) return;
      this.buffers.delete(sessionId);
      if (!this.fleet.row(sessionId) && socket.sessions.has(sessionId)) {
        void socket.unsubscribeSession(sessionId).catch(() => undefined);
      }
    };
  }

  /** A session's kept events, in seq order. */
  sessionEvents(sessionId: string): readonly StreamEvent[] {
    return this.buffers.get(sessionId)?.events ?? EMPTY;
  }

  subscribeSession(sessionId: string, listener: () => void): () => void {
    let set = this.bufferListeners.get(sessionId);
    if (!set) this.bufferListeners.set(sessionId, (set = new Set()));
    const listeners = set;
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.bufferListeners.delete(sessionId);
    };
  }
}

const EMPTY: readonly StreamEvent[] = Object.freeze([]);
const NOTHING = () => undefined;

export const LiveContext = createContext<Live | null>(null);

/** The live store (only inside the signed-in app). */
export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error("useLive outside the signed-in app");
  return live;
}

/**
 * A session's events over the WebSocket, deduplicated by seq and in seq order, from when the hook mounted
 * (it subscribes to the session when needed; after a reconnect the socket resumes from the last seq seen).
 */
export function useSessionEvents(sessionId: string | null | undefined): readonly StreamEvent[] {
  const live = useLive();
  useEffect(() => (sessionId ? live.retainSession(sessionId) : undefined), [live, sessionId]);
  return useSyncExternalStore(
    (listener) => (sessionId ? live.subscribeSession(sessionId, listener) : NOTHING),
    () => (sessionId ? live.sessionEvents(sessionId) : EMPTY),
  );
}

/** Call `callback` for every (deduplicated) event named `name` while mounted. */
export function useEvent<N extends EventName>(name: N, callback: (event: EventOf<N>) => void): void {
  const live = useLive();
  const ref = useRef(callback);
  ref.current = callback;
  useEffect(() => live.on(name, (event) => ref.current(event)), [live, name]);
}

/** Whether the WebSocket is down and reconnecting. */
export function useReconnecting(): boolean {
  const live = useLive();
  return useSyncExternalStore(live.socketState.subscribe, () => live.socketState.status === "reconnecting");
}

/** The fleet's team names and load state. */
export function useFleet(): { teamNames: readonly string[]; loaded: boolean; error: unknown } {
  const live = useLive();
  const teamNames = useSyncExternalStore(
    (listener) => live.fleet.onFleet(listener),
    () => live.fleet.teamNames,
  );
  const loaded = useSyncExternalStore(
    (listener) => live.fleet.onFleet(listener),
    () => live.fleet.loaded,
  );
  const error = useSyncExternalStore(
    (listener) => live.fleet.onFleet(listener),
    () => live.fleet.loadError,
  );
  return { teamNames, loaded, error };
}

/** One team's entry (re-renders only when its configuration or list of sessions changes). */
export function useTeamEntry(name: string): TeamEntry | undefined {
  const live = useLive();
  return useSyncExternalStore(
    (listener) => live.fleet.onTeam(name, listener),
    () => live.fleet.team(name),
  );
}

/** One session's row (re-renders only when that session changes). */
export function useRow(sessionId: string): SessionRow | undefined {
  const live = useLive();
  return useSyncExternalStore(
    (listener) => live.fleet.onRow(sessionId, listener),
    () => live.fleet.row(sessionId),
  );
}

export function useHealth(): HealthState | null {
  const live = useLive();
  return useSyncExternalStore(
    (listener) => live.fleet.onHealth(listener),
    () => live.fleet.health,
  );
}

/** The pending permissions, oldest first. */
export function usePending(): readonly PendingPermission[] {
  const live = useLive();
  return useSyncExternalStore(
    (listener) => live.fleet.onPending(listener),
    () => live.fleet.pending,
  );
}

/** For the benchmark: tell it that what `key` shows has rendered (`value` is what changed). */
export function useRendered(key: string, value: unknown): void {
  const live = useLive();
  const bench = live.bench;
  useLayoutEffect(() => (bench ? bench.mount(key) : undefined), [bench, key]);
  useLayoutEffect(() => {
    bench?.rendered(key);
  }, [bench, key, value]);
}
