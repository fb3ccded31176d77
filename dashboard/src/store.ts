/** The fleet's state (teams, their sessions, health, pending permissions), changed by loads and by live events. */
import type { EventOf, Schemas, StreamEvent } from "@iris/client";

export type TeamInfo = Omit<Schemas["TeamInfo"], "processes" | "sessions" | "sessionsTruncated">;
export type ProcessInfo = Schemas["ProcessInfo"];
export type TeamSession = Schemas["TeamSession"];
export type ProcessState = Schemas["ProcessState"];
export type PendingPermission = Schemas["PermissionRequest"];

/** One caller → team session as the fleet shows it. */
export interface SessionRow {
  readonly sessionId: string;
  readonly team: string;
  readonly fromTeam: string;
  /** The session it was forked from (null for a pair's own session). */
  readonly forkedFrom: string | null;
  readonly pid: number | null;
  readonly state: ProcessState;
  readonly messageCount: number;
  readonly queueLength: number;
  /** When the process is put to sleep if nothing happens (epoch ms), or null. */
  readonly idleDeadline: number | null;
  readonly lastActivity: string | null;
  /** The session's cost so far in USD, when known. */
  readonly costUsd: number | null;
  /** The last process error, if any. */
  readonly error: string | null;
}

/** A team: its configuration and the ids of its sessions, in order. */
export interface TeamEntry {
  readonly info: TeamInfo;
  readonly sessionIds: readonly string[];
  /** The team has more sessions than the fleet was sent. */
  readonly truncated: boolean;
}

/** What one tell that ended live added to its session's row (kept until a load counts it). */
interface Added {
  readonly seq: number;
  readonly costUsd: number;
  readonly messages: number;
}

/** Processes and uptime, from `GET /api/status` or `/api/health` and then `health:check` events. */
export interface HealthState {
  readonly totalProcesses: number | null;
  readonly maxProcesses: number | null;
  /** Milliseconds since the server started, as of `at`. */
  readonly uptime: number;
  readonly at: number;
  readonly status: string;
  readonly queuedTells: number | null;
  readonly pendingPermissions: number | null;
}

type Listener = () => void;

/** Listeners keyed by a string (a team, a session id, ...). */
class Topics {
  private readonly map = new Map<string, Set<Listener>>();

  on(key: string, listener: Listener): () => void {
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.map.get(key) === set) this.map.delete(key);
    };
  }

  emit(key: string): void {
    const set = this.map.get(key);
    if (set) for (const listener of [...set]) listener();
  }
}

const ALL = "*";

/** The fleet's state with fine-grained change notifications (a row re-renders only when its session changes). */
export class FleetStore {
  teamNames: readonly string[] = [];
  loaded = false;
  loadError: unknown = undefined;
  health: HealthState | null = null;
  pending: readonly PendingPermission[] = [];

  private readonly teams = new Map<string, TeamEntry>();
  private readonly rows = new Map<string, SessionRow>();
  /** Tells seen queued and not yet started or ended, per session. */
  private readonly waiting = new Map<string, Set<string>>();
  /** Sessions first seen in a `process:spawned` (not in a load). */
  private readonly born = new Set<string>();
  /**
   * Per session, the event seq up to which its loaded cost and message count already count its tells' ends
   * (`TeamSession.seq`), and what the tells that ended live above it added: a reload counts none twice.
   */
  private readonly counted = new Map<string, number>();
  private readonly added = new Map<string, Added[]>();
  /** Permissions seen resolved (a late copy of their request is ignored). */
  private readonly resolved = new Set<string>();
  private readonly topics = new Topics();

  // ------------------------------------------------------------------ reads

  team(name: string): TeamEntry | undefined {
    return this.teams.get(name);
  }

  row(sessionId: string): SessionRow | undefined {
    return this.rows.get(sessionId);
  }

  /** The row of a caller → team pair (its own session, not a fork; the latest), if any. */
  pair(team: string, fromTeam: string): SessionRow | undefined {
    const entry = this.teams.get(team);
    if (!entry) return undefined;
    for (let i = entry.sessionIds.length - 1; i >= 0; i--) {
      const row = this.rows.get(entry.sessionIds[i]!);
      if (row && row.fromTeam === fromTeam && row.forkedFrom === null) return row;
    }
    return undefined;
  }

  /** The event seq a loaded session was read at (follow it from there), if it came from a load. */
  loadedSeq(sessionId: string): number | undefined {
    return this.counted.get(sessionId);
  }

  /** Whether the fleet learnt of this session from its `process:spawned` rather than from a load. */
  bornLive(sessionId: string): boolean {
    return this.born.has(sessionId);
  }

  sessionIds(): string[] {
    return [...this.rows.keys()];
  }

  // ------------------------------------------------------------------ subscriptions

  /** Changes to the list of teams, the load state or the health. */
  onFleet(listener: Listener): () => void {
    return this.topics.on(ALL, listener);
  }

  onTeam(name: string, listener: Listener): () => void {
    return this.topics.on(`team:${name}`, listener);
  }

  onRow(sessionId: string, listener: Listener): () => void {
    return this.topics.on(`row:${sessionId}`, listener);
  }

  onHealth(listener: Listener): () => void {
    return this.topics.on("health", listener);
  }

  onPending(listener: Listener): () => void {
    return this.topics.on("pending", listener);
  }

  // ------------------------------------------------------------------ loads

  /**
   * Replace the teams and their sessions with a fresh `listTeams(includeSessions)` answer: each session's stored
   * cost and message count, plus what tells that ended live after it was read added.
   */
  load(teams: readonly Schemas["TeamInfo"][], now = Date.now()): void {
    const seen = new Set<string>();
    const names: string[] = [];
    for (const team of teams) {
      const { processes, sessions, sessionsTruncated, ...info } = team;
      names.push(info.name);
      const ids: string[] = [];
      if (sessions) {
        for (const session of sessions) {
          seen.add(session.sessionId);
          ids.push(session.sessionId);
          this.putRow(this.fromSession(info, session, this.rows.get(session.sessionId), now));
        }
      } else {
        for (const process of processes ?? []) {
          seen.add(process.sessionId);
          ids.push(process.sessionId);
          this.putRow(fromProcess(info, process, this.rows.get(process.sessionId), now));
        }
      }
      const truncated = sessionsTruncated === true;
      const old = this.teams.get(info.name);
      if (!old || !sameIds(old.sessionIds, ids) || !sameInfo(old.info, info) || old.truncated !== truncated) {
        this.teams.set(info.name, { info, sessionIds: ids, truncated });
        this.topics.emit(`team:${info.name}`);
      }
    }
    for (const id of [...this.rows.keys()]) {
      if (seen.has(id)) continue;
      this.rows.delete(id);
      this.forget(id);
    }
    for (const name of [...this.teams.keys()]) {
      if (!names.includes(name)) this.teams.delete(name);
    }
    if (!sameIds(this.teamNames, names)) this.teamNames = names;
    this.loaded = true;
    this.loadError = undefined;
    this.topics.emit(ALL);
  }

  /** The load failed (shown on the Fleet page). */
  failed(error: unknown): void {
    this.loadError = error;
    this.loaded = true;
    this.topics.emit(ALL);
  }

  /** A session's row from a load: its stored counts, plus those of the tells that ended live after the read. */
  private fromSession(info: TeamInfo, session: TeamSession, old: SessionRow | undefined, now: number): SessionRow {
    const later = (this.added.get(session.sessionId) ?? []).filter((added) => added.seq > session.seq);
    if (later.length > 0) this.added.set(session.sessionId, later);
    else this.added.delete(session.sessionId);
    this.counted.set(session.sessionId, session.seq);
    this.born.delete(session.sessionId);
    return {
      sessionId: session.sessionId,
      team: info.name,
      fromTeam: session.fromTeam,
      forkedFrom: session.forkedFrom,
      pid: session.pid,
      state: session.state,
      messageCount: later.reduce((sum, added) => sum + added.messages, session.messageCount),
      queueLength: session.queueLength,
      idleDeadline: session.idleTimeRemaining === null ? null : now + session.idleTimeRemaining,
      lastActivity: session.lastActivity,
      costUsd: later.reduce((sum, added) => sum + added.costUsd, session.costUsd),
      error: old?.error ?? null,
    };
  }

  private forget(sessionId: string): void {
    this.waiting.delete(sessionId);
    this.born.delete(sessionId);
    this.counted.delete(sessionId);
    this.added.delete(sessionId);
  }

  /** One pair's fresh status (`teamStatus` with `team` and `fromTeam`). */
  loadPair(status: Schemas["TeamStatus"], fromTeam: string, now = Date.now()): void {
    const entry = this.teams.get(status.team);
    if (!entry) return;
    const old = this.pair(status.team, fromTeam);
    if (old && old.sessionId !== status.sessionId) this.removeRow(old.sessionId);
    if (!status.sessionId) return;
    const current = this.rows.get(status.sessionId);
    this.upsert(entry.info, {
      sessionId: status.sessionId,
      team: status.team,
      fromTeam,
      forkedFrom: current?.forkedFrom ?? null,
      pid: status.pid,
      state: status.state,
      messageCount: status.messageCount,
      queueLength: status.queueLength,
      idleDeadline: status.idleTimeRemaining === null ? null : now + status.idleTimeRemaining,
      lastActivity: status.lastActivity,
      costUsd: current?.costUsd ?? null,
      error: null,
    });
  }

  setHealth(health: HealthState): void {
    this.health = health;
    this.topics.emit("health");
  }

  setPending(items: readonly PendingPermission[]): void {
    const byId = new Map<string, PendingPermission>();
    for (const item of items) if (!this.resolved.has(item.permissionId)) byId.set(item.permissionId, item);
    this.pending = [...byId.values()].sort(byCreated);
    this.topics.emit("pending");
  }

  /** Forget a permission (decided here, or gone). */
  dropPending(permissionId: string): void {
    this.resolved.add(permissionId);
    if (!this.pending.some((p) => p.permissionId === permissionId)) return;
    this.pending = this.pending.filter((p) => p.permissionId !== permissionId);
    this.topics.emit("pending");
  }

  /** Put a row in (a new session is added to its team's list). */
  upsert(info: TeamInfo | undefined, row: SessionRow): void {
    const entry = this.teams.get(row.team) ?? (info ? { info, sessionIds: [], truncated: false } : undefined);
    if (!entry) return;
    this.putRow(row);
    if (!entry.sessionIds.includes(row.sessionId)) {
      this.teams.set(row.team, { ...entry, sessionIds: [...entry.sessionIds, row.sessionId] });
      this.topics.emit(`team:${row.team}`);
    }
  }

  removeRow(sessionId: string): void {
    const row = this.rows.get(sessionId);
    if (!row) return;
    this.rows.delete(sessionId);
    this.forget(sessionId);
    const entry = this.teams.get(row.team);
    if (entry) {
      this.teams.set(row.team, { ...entry, sessionIds: entry.sessionIds.filter((id) => id !== sessionId) });
      this.topics.emit(`team:${row.team}`);
    }
    this.topics.emit(`row:${sessionId}`);
  }

  /** Change one row (a no-op when nothing changed); returns whether it changed. */
  patch(sessionId: string, change: Partial<SessionRow>): boolean {
    const row = this.rows.get(sessionId);
    if (!row) return false;
    let differs = false;
    for (const key of Object.keys(change) as (keyof SessionRow)[]) {
      if (row[key] !== change[key]) {
        differs = true;
        break;
      }
    }
    if (!differs) return false;
    this.putRow({ ...row, ...change });
    return true;
  }

  private putRow(row: SessionRow): void {
    const old = this.rows.get(row.sessionId);
    if (old && sameRow(old, row)) return;
    this.rows.set(row.sessionId, row);
    this.topics.emit(`row:${row.sessionId}`);
  }

  // ------------------------------------------------------------------ events

  /**
   * Apply one live event; returns the session whose row it changed (or "team:<name>" when it added a row,
   * "health" for health), or undefined when nothing shown changed. `needsPair` is told about a pair whose
   * state the event does not carry (a session that is new to the fleet, say).
   */
  apply(event: StreamEvent, now: number, needsPair: (team: string, fromTeam: string) => void): string | undefined {
    switch (event.event) {
      case "process:spawned":
        return this.spawned(event.data, now);
      case "process:terminated":
        return this.terminated(event.data, needsPair);
      case "process:error":
        return this.processError(event.data);
      case "tell:queued":
        return this.queued(event.data);
      case "tell:started":
        return this.started(event.data, now);
      case "tell:complete":
        return this.ended(event.data.sessionId, event.data.requestId, now, event.data.seq, event.data.costUsd);
      case "tell:error":
        return event.data.sessionId
          ? this.ended(event.data.sessionId, event.data.requestId, now, event.data.seq)
          : undefined;
      case "health:check":
        return this.healthCheck(event.data, now);
      case "permission:request":
        return this.permissionRequest(event.data);
      case "permission:resolved":
        this.dropPending(event.data.permissionId);
        return "pending";
      default:
        return undefined;
    }
  }

  /** Between health ticks, count a process that started (+1) or stopped (-1). */
  private countProcess(delta: number): void {
    const health = this.health;
    if (!health || health.totalProcesses === null) return;
    this.setHealth({ ...health, totalProcesses: Math.max(0, health.totalProcesses + delta) });
  }

  private spawned(data: EventOf<"process:spawned">["data"], now: number): string | undefined {
    const entry = this.teams.get(data.team);
    if (!entry) return undefined;
    const row = this.rows.get(data.sessionId);
    if (!row || row.pid === null) this.countProcess(1);
    const deadline = now + entry.info.idleTimeout;
    if (!row) {
      this.born.add(data.sessionId);
      this.upsert(entry.info, {
        sessionId: data.sessionId,
        team: data.team,
        fromTeam: data.fromTeam,
        forkedFrom: null,
        pid: data.pid,
        state: "idle",
        messageCount: 0,
        queueLength: 0,
        idleDeadline: deadline,
        lastActivity: new Date(now).toISOString(),
        costUsd: null,
        error: null,
      });
      return `team:${data.team}`;
    }
    const busy = row.state === "processing" || row.queueLength > 0;
    this.patch(data.sessionId, {
      pid: data.pid,
      state: busy ? "processing" : "idle",
      idleDeadline: busy ? null : deadline,
      error: null,
    });
    return data.sessionId;
  }

  private terminated(
    data: EventOf<"process:terminated">["data"],
    needsPair: (team: string, fromTeam: string) => void,
  ): string | undefined {
    const row = this.rows.get(data.sessionId);
    if (row && row.pid !== null) this.countProcess(-1);
    if (data.reason === "deleted") {
      // The session is gone; the pair may have a new one (a reboot): ask for it.
      this.removeRow(data.sessionId);
      needsPair(data.team, data.fromTeam);
      return `team:${data.team}`;
    }
    this.waiting.delete(data.sessionId);
    return this.patch(data.sessionId, { pid: null, state: "stopped", idleDeadline: null, queueLength: 0 })
      ? data.sessionId
      : undefined;
  }

  private processError(data: EventOf<"process:error">["data"]): string | undefined {
    if (!data.sessionId) return undefined;
    return this.patch(data.sessionId, { error: data.error, state: "stopped", pid: null, idleDeadline: null })
      ? data.sessionId
      : undefined;
  }

  private queued(data: EventOf<"tell:queued">["data"]): string | undefined {
    if (!data.sessionId || !this.rows.has(data.sessionId)) return undefined;
    let set = this.waiting.get(data.sessionId);
    if (!set) this.waiting.set(data.sessionId, (set = new Set()));
    set.add(data.requestId);
    return this.patch(data.sessionId, { queueLength: Math.max(data.position, set.size), idleDeadline: null })
      ? data.sessionId
      : undefined;
  }

  private dequeue(sessionId: string, requestId: string, row: SessionRow): number {
    const set = this.waiting.get(sessionId);
    if (set?.delete(requestId)) return Math.max(0, row.queueLength - 1);
    return row.queueLength;
  }

  private started(data: EventOf<"tell:started">["data"], now: number): string | undefined {
    if (!data.sessionId) return undefined;
    const row = this.rows.get(data.sessionId);
    if (!row) return undefined;
    return this.patch(data.sessionId, {
      state: "processing",
      queueLength: this.dequeue(data.sessionId, data.requestId, row),
      idleDeadline: null,
      lastActivity: new Date(now).toISOString(),
    })
      ? data.sessionId
      : undefined;
  }

  private ended(
    sessionId: string,
    requestId: string,
    now: number,
    seq: number | undefined,
    costUsd?: number,
  ): string | undefined {
    const row = this.rows.get(sessionId);
    if (!row) return undefined;
    const neverStarted = this.waiting.get(sessionId)?.has(requestId) === true;
    const queueLength = this.dequeue(sessionId, requestId, row);
    const awake = row.pid !== null || row.state !== "stopped";
    const idle = queueLength === 0;
    const info = this.teams.get(row.team)?.info;
    // A tell whose end the loaded counts already hold (its seq at or below the read's) adds nothing again.
    const counted = this.counted.get(sessionId);
    const fresh = seq === undefined || counted === undefined || seq > counted;
    const messages = fresh && !neverStarted && row.state === "processing" ? 1 : 0;
    const cost = fresh ? (costUsd ?? 0) : 0;
    if (fresh && seq !== undefined && (messages > 0 || cost > 0)) {
      this.added.set(sessionId, [...(this.added.get(sessionId) ?? []), { seq, costUsd: cost, messages }]);
    }
    return this.patch(sessionId, {
      queueLength,
      state: awake ? (idle ? "idle" : "processing") : row.state,
      idleDeadline: awake && idle && info ? now + info.idleTimeout : null,
      messageCount: row.messageCount + messages,
      lastActivity: new Date(now).toISOString(),
      costUsd: costUsd === undefined || !fresh ? row.costUsd : (row.costUsd ?? 0) + cost,
    })
      ? sessionId
      : undefined;
  }

  private healthCheck(data: EventOf<"health:check">["data"], now: number): string {
    const old = this.health;
    this.setHealth({
      totalProcesses: data.totalProcesses,
      maxProcesses: data.maxProcesses,
      uptime: data.uptime,
      at: now,
      status: old?.status ?? "ok",
      queuedTells: data.queuedTells ?? old?.queuedTells ?? null,
      pendingPermissions: data.pendingPermissions ?? old?.pendingPermissions ?? null,
    });
    return "health";
  }

  private permissionRequest(data: PendingPermission): string | undefined {
    if (this.resolved.has(data.permissionId)) return undefined;
    if (this.pending.some((p) => p.permissionId === data.permissionId)) return undefined;
    this.pending = [...this.pending, data].sort(byCreated);
    this.topics.emit("pending");
    return "pending";
  }
}

function fromProcess(info: TeamInfo, process: ProcessInfo, old: SessionRow | undefined, now: number): SessionRow {
  return {
    sessionId: process.sessionId,
    team: info.name,
    fromTeam: process.fromTeam,
    forkedFrom: old?.forkedFrom ?? null,
    pid: process.pid,
    state: process.state,
    messageCount: process.messageCount,
    queueLength: process.queueLength,
    idleDeadline: process.idleTimeRemaining === null ? null : now + process.idleTimeRemaining,
    lastActivity: process.lastActivity,
    costUsd: old?.costUsd ?? null,
    error: old?.error ?? null,
  };
}

function byCreated(a: PendingPermission, b: PendingPermission): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function sameInfo(a: TeamInfo, b: TeamInfo): boolean {
  return (
    a.name === b.name &&
    a.description === b.description &&
    a.color === b.color &&
    a.model === b.model &&
    a.grantPermission === b.grantPermission &&
    a.idleTimeout === b.idleTimeout &&
    a.path === b.path
  );
}

/** Rows equal but for a few ms of idle deadline drift (a refetch does not re-render an unchanged row). */
function sameRow(a: SessionRow, b: SessionRow): boolean {
  const deadlines =
    a.idleDeadline === b.idleDeadline ||
    (a.idleDeadline !== null && b.idleDeadline !== null && Math.abs(a.idleDeadline - b.idleDeadline) < 1500);
  return (
    deadlines &&
    a.team === b.team &&
    a.fromTeam === b.fromTeam &&
    a.forkedFrom === b.forkedFrom &&
    a.pid === b.pid &&
    a.state === b.state &&
    a.messageCount === b.messageCount &&
    a.queueLength === b.queueLength &&
    a.lastActivity === b.lastActivity &&
    a.costUsd === b.costUsd &&
    a.error === b.error
  );
}
