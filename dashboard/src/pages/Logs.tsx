/**
 * The Logs page: the server's recent log records (`GET /api/logs`, read once per level, older pages on demand), a
 * level filter, and a live tail of `log:record` events over the shared WebSocket (`logs:subscribe` at the chosen
 * level) that can pause: while paused, new records are held and shown on resume. Log events are not replayed after
 * a reconnect, so once the socket is back the records logged since the newest shown are read from `GET /api/logs`.
 */
import { useCallback, useEffect, useId, useRef, useState } from "react";

import { unwrap, type Schemas } from "@iris/client";

import { useEvent, useReconnecting } from "../live";
import { useSigned } from "../session";
import { Empty, ErrorNote } from "../ui";
import "./Logs.css";

type LogRecord = Schemas["LogRecord"];
type LogLevel = Schemas["LogLevel"];

/** Every level, lowest first (a record typed by the contract: a level missing here fails to compile). */
const LEVELS: Record<LogLevel, string> = {
  debug: "Debug",
  info: "Info",
  warning: "Warning",
  error: "Error",
  critical: "Critical",
};
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3, critical: 4 };
const PAGE_SIZE = 100;
/** Live records are shown in batches at most this often (a burst of records is one render). */
const FLUSH_MS = 100;
/** Records held while paused, at most (the oldest held go first; `GET /api/logs` still has them). */
const MAX_HELD = 1_000;
/** Pages a catch-up after a reconnect reads at most. */
const MAX_CATCH_UP_PAGES = 5;

/** A record's identity, to show each once (the API gives no id; `since` repeats the newest record). */
function keyOf(record: LogRecord): string {
  return `${record.timestamp}|${record.level}|${record.logger}|${record.message}|${JSON.stringify(record.context ?? {})}`;
}

/** Newest first. */
function newestFirst(a: LogRecord, b: LogRecord): number {
  return a.timestamp < b.timestamp ? 1 : a.timestamp > b.timestamp ? -1 : 0;
}

interface Shown {
  /** Newest first. */
  records: readonly LogRecord[];
  nextCursor: string | null;
}

export function LogsPage() {
  const { client, socket } = useSigned();
  const reconnecting = useReconnecting();
  const [level, setLevel] = useState<LogLevel | "">("");
  const [shown, setShown] = useState<Shown>({ records: [], nextCursor: null });
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [tailError, setTailError] = useState<unknown>(undefined);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const keys = useRef(new Set<string>());
  const newest = useRef<string | null>(null);
  const generation = useRef(0);
  /** Live records not shown yet: waiting for the history, for the next flush, or for the tail to resume. */
  const incoming = useRef<LogRecord[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const state = useRef({ loaded: false, paused: false });
  state.current = { loaded, paused };
  const levelId = useId();

  const query = useCallback(
    (extra: { since?: string; cursor?: string }) => ({
      params: { query: { limit: PAGE_SIZE, ...(level ? { level } : {}), ...extra } },
    }),
    [level],
  );

  /** Show `records` (any order) above those shown, each once. */
  const prepend = useCallback((records: readonly LogRecord[]) => {
    const fresh: LogRecord[] = [];
    for (const record of records) {
      const key = keyOf(record);
      if (keys.current.has(key)) continue;
      keys.current.add(key);
      fresh.push(record);
    }
    if (fresh.length === 0) return;
    fresh.sort(newestFirst);
    const top = fresh[0]!.timestamp;
    if (!newest.current || top > newest.current) newest.current = top;
    setShown((before) => ({ records: [...fresh, ...before.records], nextCursor: before.nextCursor }));
  }, []);

  /** Show what came live, unless the history is still loading or the tail is paused. */
  const flush = useCallback(() => {
    clearTimeout(flushTimer.current);
    flushTimer.current = undefined;
    if (!state.current.loaded) return;
    if (state.current.paused) {
      setHeld(incoming.current.length);
      return;
    }
    const records = incoming.current.splice(0);
    setHeld(0);
    prepend(records);
  }, [prepend]);

  // The live tail: the socket follows the logs at the chosen level while this page is open (and again after it
  // reconnects); the subscription is made before the history is read, so nothing falls between the two.
  useEffect(() => {
    socket.subscribeLogs(level || "debug").then(
      () => setTailError(undefined),
      (failure: unknown) => setTailError(failure),
    );
  }, [socket, level]);
  useEffect(() => () => void socket.unsubscribeLogs().catch(() => undefined), [socket]);

  useEvent("log:record", (event) => {
    const record = event.data;
    if (level && RANK[record.level] < RANK[level]) return;
    incoming.current.push(record);
    if (incoming.current.length > MAX_HELD) incoming.current.splice(0, incoming.current.length - MAX_HELD);
    if (flushTimer.current === undefined) flushTimer.current = setTimeout(flush, FLUSH_MS);
  });
  useEffect(() => () => clearTimeout(flushTimer.current), []);

  // The first page, again whenever the level changes.
  useEffect(() => {
    const mine = ++generation.current;
    keys.current = new Set();
    newest.current = null;
    incoming.current = incoming.current.filter((record) => !level || RANK[record.level] >= RANK[level]);
    state.current = { ...state.current, loaded: false };
    setLoaded(false);
    setShown({ records: [], nextCursor: null });
    void (async () => {
      try {
        const page = unwrap(await client.GET("/api/logs", query({})));
        if (mine !== generation.current) return;
        for (const record of page.items) keys.current.add(keyOf(record));
        newest.current = page.items[0]?.timestamp ?? null;
        setShown({ records: page.items, nextCursor: page.nextCursor });
        setError(undefined);
        state.current = { ...state.current, loaded: true };
        flush(); // what came live meanwhile, each once
      } catch (failure) {
        if (mine === generation.current) setError(failure);
      } finally {
        if (mine === generation.current) setLoaded(true);
      }
    })();
  }, [client, query, level, flush]);

  // Resume: show what was held.
  useEffect(() => {
    if (!paused) flush();
  }, [paused, flush]);

  // Back after a reconnect: log events are not replayed, so read what was logged since the newest shown.
  const wasDown = useRef(false);
  const catchUp = useCallback(async () => {
    const mine = generation.current;
    const since = newest.current;
    const found: LogRecord[] = [];
    let cursor: string | undefined;
    try {
      for (let pages = 0; pages < MAX_CATCH_UP_PAGES; pages++) {
        const page = unwrap(
          await client.GET("/api/logs", query({ ...(since ? { since } : {}), ...(cursor ? { cursor } : {}) })),
        );
        if (mine !== generation.current) return;
        found.push(...page.items);
        if (!page.nextCursor || page.items.some((record) => keys.current.has(keyOf(record)))) break;
        cursor = page.nextCursor;
      }
      incoming.current.push(...found);
      flush();
      setTailError(undefined);
    } catch (failure) {
      if (mine === generation.current) setTailError(failure);
    }
  }, [client, query, flush]);
  useEffect(() => {
    if (reconnecting) wasDown.current = true;
    else if (wasDown.current) {
      wasDown.current = false;
      if (state.current.loaded) void catchUp();
    }
  }, [reconnecting, catchUp]);

  const loadOlder = async () => {
    if (!shown.nextCursor) return;
    const mine = generation.current;
    setLoadingOlder(true);
    try {
      const page = unwrap(await client.GET("/api/logs", query({ cursor: shown.nextCursor })));
      if (mine !== generation.current) return;
      const older = page.items.filter((record) => {
        const key = keyOf(record);
        if (keys.current.has(key)) return false;
        keys.current.add(key);
        return true;
      });
      setShown((before) => ({ records: [...before.records, ...older], nextCursor: page.nextCursor }));
    } catch (failure) {
      if (mine === generation.current) setError(failure);
    } finally {
      setLoadingOlder(false);
    }
  };

  return (
    <section className="logs" aria-labelledby="logs-title">
      <h1 id="logs-title">Logs</h1>
      <div className="logs-controls">
        <label htmlFor={levelId}>Level</label>
        <select id={levelId} value={level} onChange={(event) => setLevel(event.target.value as LogLevel | "")}>
          <option value="">All levels</option>
          {(Object.keys(LEVELS) as LogLevel[]).map((name) => (
            <option key={name} value={name}>
              {LEVELS[name]} and above
            </option>
          ))}
        </select>
        <button type="button" aria-pressed={paused} onClick={() => setPaused((was) => !was)}>
          {paused ? "Resume live tail" : "Pause live tail"}
        </button>
        <span className="muted logs-tail" role="status" data-testid="tail-state">
          {paused
            ? `Live tail paused${held > 0 ? `: ${held} new record${held === 1 ? "" : "s"} held` : ""}.`
            : reconnecting
              ? "Live tail reconnecting…"
              : "Live tail on: new records appear as they are logged."}
        </span>
      </div>
      <ErrorNote error={error} />
      <ErrorNote error={tailError} />
      {!loaded ? <p className="muted">Loading…</p> : null}
      {loaded && shown.records.length === 0 && error === undefined ? <Empty>No log records.</Empty> : null}
      <ol className="logs-list" aria-label="Log records">
        {shown.records.map((record) => (
          <LogLine key={keyOf(record)} record={record} />
        ))}
      </ol>
      {shown.nextCursor ? (
        <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
          {loadingOlder ? "Loading…" : "Older"}
        </button>
      ) : null}
    </section>
  );
}

/** One record: time, level, logger, message and its context as `name=value` pairs. */
function LogLine(props: { record: LogRecord }) {
  const record = props.record;
  const at = new Date(record.timestamp);
  const context = Object.entries(record.context ?? {});
  return (
    <li className="logs-record" data-level={record.level}>
      <time dateTime={record.timestamp} title={at.toLocaleString()} className="logs-time">
        {Number.isNaN(at.getTime()) ? record.timestamp : at.toLocaleTimeString()}
      </time>{" "}
      <span className={`logs-level level-${record.level}`}>{record.level}</span>{" "}
      <span className="logs-logger">{record.logger}</span> <span className="logs-message">{record.message}</span>
      {context.length > 0 ? (
        <span className="logs-context">
          {context.map(([name, value]) => (
            <span key={name} className="logs-pair">
              {name}={typeof value === "string" ? value : JSON.stringify(value)}
            </span>
          ))}
        </span>
      ) : null}
    </li>
  );
}
