/** The Conversation page: a caller → team session's history, a tell streamed as it is written, cancel and fork. */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

import { IrisApiError, IrisStreamError, unwrap, type Schemas, type StreamEvent } from "@iris/client";

import { useEvent, useSessionEvents } from "../live";
import { errorMessage, useSigned } from "../session";
import { Empty, ErrorNote, Money, RelativeTime } from "../ui";
import "./Conversation.css";

type Tell = Schemas["TellResponse"];
type Session = Schemas["SessionInfo"];
type Fork = Schemas["ForkResponse"];
type TellStatus = Schemas["TellStatus"];

/** The reserved caller of clients that are not teams. */
const EXTERNAL = "external";
/** Tells per page of history. */
const PAGE_SIZE = 20;
const TERMINAL: ReadonlySet<TellStatus> = new Set<TellStatus>(["completed", "failed", "cancelled", "stalled"]);

/** The API's caller for a route's caller (`-` or empty: external). */
function apiCaller(caller: string): string {
  return caller === "-" || caller === "" ? EXTERNAL : caller;
}

/** `fromTeam` for a request body or query (absent for the external caller). */
function fromTeamOf(caller: string): { fromTeam?: string } {
  return caller === EXTERNAL ? {} : { fromTeam: caller };
}

/** The tell this page sent, as its events arrive. */
interface OwnTell {
  message: string;
  requestId?: string;
  sessionId?: string;
  /** The status `tell:accepted` gave (queued behind another tell, or running at once). */
  accepted?: TellStatus;
  /** Chunks from the tell's own stream, by seq (merged with the session's events, so none shows twice). */
  chunks: ReadonlyMap<number, string>;
  status?: TellStatus;
  response?: string;
  reason?: string;
  /** Why the tell could not be sent or run (a refusal, a `tell:error`, a dropped socket). */
  error?: string;
}

/** What the history holds: tells newest first, and the cursor of the next older page. */
interface History {
  items: readonly Tell[];
  nextCursor: string | null;
}

export function ConversationPage(props: { team: string; caller: string }) {
  const team = props.team;
  const caller = apiCaller(props.caller);
  const signed = useSigned();
  const inScope = signed.canTeam(team) && (caller === EXTERNAL || signed.canTeam(caller));
  return (
    <section className="conversation" aria-labelledby="conversation-title">
      <h1 id="conversation-title">
        Conversation: {team}
        <span className="conv-pair-title">
          {" "}
          ({caller} → {team})
        </span>
      </h1>
      <p>
        <a href="#/fleet">Back to the fleet</a>
      </p>
      {inScope ? (
        <Conversation team={team} caller={caller} />
      ) : (
        <p role="alert" className="alert">
          This key&apos;s team scope does not include the {caller} → {team} session.
        </p>
      )}
    </section>
  );
}

function Conversation(props: { team: string; caller: string }) {
  const { team, caller } = props;
  const signed = useSigned();
  const { client, socket } = signed;
  const mayRead = signed.can("cache:read");
  const mayTell = signed.can("team:tell");
  const mayCancel = signed.can("team:cancel");
  const mayFork = signed.can("team:fork");

  const [session, setSession] = useState<Session | null>(null);
  const [history, setHistory] = useState<History>({ items: [], nextCursor: null });
  const [loaded, setLoaded] = useState(!mayRead);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [own, setOwn] = useState<OwnTell | null>(null);
  const [cancelNote, setCancelNote] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [fork, setFork] = useState<Fork | null>(null);
  const [forking, setForking] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  /** One page of the report (newest first); null when the pair has no session yet. */
  const fetchPage = useCallback(
    async (cursor?: string) => {
      const result = await client.GET("/api/teams/{team}/report", {
        params: {
          path: { team },
          query: { ...fromTeamOf(caller), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        },
      });
      if (result.response.status === 404 && result.error?.error === "SessionNotFoundError") return null;
      return unwrap(result);
    },
    [client, team, caller],
  );

  // The newest page: on opening, and again (merged into what is shown) whenever a tell of the session ends.
  const refreshing = useRef<Promise<void> | null>(null);
  const refreshAgain = useRef(false);
  const refresh = useCallback(async (): Promise<void> => {
    if (!mayRead) return;
    if (refreshing.current) {
      refreshAgain.current = true;
      return refreshing.current;
    }
    const run = async () => {
      do {
        refreshAgain.current = false;
        try {
          const report = await fetchPage();
          if (!mounted.current) return;
          setLoadError(undefined);
          if (report === null) {
            setSession(null);
            setHistory({ items: [], nextCursor: null });
          } else {
            setSession(report.session);
            setHistory((before) => {
              if (before.items.length === 0) return { items: report.items, nextCursor: report.nextCursor };
              const fresh = new Set(report.items.map((tell) => tell.requestId));
              const older = before.items.filter((tell) => !fresh.has(tell.requestId));
              return { items: [...report.items, ...older], nextCursor: before.nextCursor };
            });
          }
        } catch (error) {
          if (mounted.current) setLoadError(error);
        } finally {
          if (mounted.current) setLoaded(true);
        }
      } while (refreshAgain.current && mounted.current);
    };
    refreshing.current = run().finally(() => {
      refreshing.current = null;
    });
    return refreshing.current;
  }, [fetchPage, mayRead]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const loadOlder = async () => {
    if (!history.nextCursor) return;
    setLoadingOlder(true);
    try {
      const report = await fetchPage(history.nextCursor);
      if (!mounted.current || report === null) return;
      setHistory((before) => {
        const seen = new Set(before.items.map((tell) => tell.requestId));
        return {
          items: [...before.items, ...report.items.filter((tell) => !seen.has(tell.requestId))],
          nextCursor: report.nextCursor,
        };
      });
    } catch (error) {
      if (mounted.current) setLoadError(error);
    } finally {
      if (mounted.current) setLoadingOlder(false);
    }
  };

  // The session's live events (deduplicated by seq): the streamed text, and the cue to re-read the history.
  const sessionId = own?.sessionId ?? session?.sessionId;
  const events = useSessionEvents(mayRead ? sessionId : undefined);
  // Re-read the newest page once per tell that starts (another caller's) or ends (any), not once per event.
  const refreshedFor = useRef(new Set<string>());
  const refreshFor = useCallback(
    (cue: string) => {
      if (refreshedFor.current.has(cue)) return;
      refreshedFor.current.add(cue);
      void refresh();
    },
    [refresh],
  );
  const seenEvents = useRef<readonly StreamEvent[]>([]);
  const ownRequestId = own?.requestId;
  useEffect(() => {
    const before = seenEvents.current;
    // The same buffer grows by appending; another session's buffer starts over.
    const fresh = before.length > 0 && events[0] === before[0] ? events.slice(before.length) : events;
    seenEvents.current = events;
    for (const event of fresh) {
      if (event.event === "tell:complete" || event.event === "tell:error") refreshFor(`end:${event.data.requestId}`);
      else if (event.event === "tell:started" && event.data.requestId !== ownRequestId) {
        refreshFor(`start:${event.data.requestId}`);
      }
    }
  }, [events, refreshFor, ownRequestId]);

  // The session's process, as its team's channel reports it (when the socket follows that team).
  useEvent("process:spawned", (event) => {
    if (event.data.sessionId !== sessionId) return;
    setSession((before) => (before ? { ...before, state: "idle", pid: event.data.pid } : before));
  });
  useEvent("process:terminated", (event) => {
    if (event.data.sessionId !== sessionId) return;
    setSession((before) => (before ? { ...before, state: "stopped", pid: null } : before));
  });

  const streamed = useMemo(() => streamedText(own, events), [own, events]);
  const othersText = useMemo(() => liveTexts(events), [events]);
  const ending = useMemo(() => endOf(own, events), [own, events]);
  const running = own !== null && own.error === undefined && ending === undefined;
  const ended = ending !== undefined || own?.error !== undefined;
  useEffect(() => {
    if (ended && ownRequestId) refreshFor(`end:${ownRequestId}`);
  }, [ended, ownRequestId, refreshFor]);

  const send = async (message: string) => {
    setCancelNote(null);
    setActionError(undefined);
    let current: OwnTell = { message, chunks: new Map() };
    const update = (change: Partial<OwnTell>) => {
      current = { ...current, ...change };
      if (mounted.current) setOwn(current);
    };
    update({});
    try {
      for await (const event of socket.tell({ toTeam: team, message, ...fromTeamOf(caller) })) {
        applyOwnEvent(event, current, update);
      }
    } catch (error) {
      if (error instanceof IrisStreamError && error.event?.event === "tell:error") return; // shown from its event
      update({ error: tellFailure(error) });
    }
  };

  const cancel = async () => {
    if (!own?.requestId) return;
    setCancelling(true);
    setActionError(undefined);
    try {
      const answer = unwrap(
        await client.POST("/api/teams/{team}/cancel", {
          params: { path: { team } },
          body: { ...fromTeamOf(caller), ...(own.sessionId ? { sessionId: own.sessionId } : {}) },
        }),
      );
      if (mounted.current && !answer.cancelled) setCancelNote(answer.message ?? "Nothing was cancelled.");
    } catch (error) {
      if (mounted.current) setActionError(error);
    } finally {
      if (mounted.current) setCancelling(false);
    }
  };

  const doFork = async () => {
    setForking(true);
    setActionError(undefined);
    try {
      const answer = unwrap(
        await client.POST("/api/teams/{team}/fork", { params: { path: { team } }, body: fromTeamOf(caller) }),
      );
      if (mounted.current) setFork(answer);
    } catch (error) {
      if (mounted.current) setActionError(error);
    } finally {
      if (mounted.current) setForking(false);
    }
  };

  // Oldest first; the page's own tell joins the history once it has ended (until then it shows below).
  const hidden = running ? ownRequestId : undefined;
  const shown = useMemo(
    () => [...history.items].reverse().filter((tell) => tell.requestId !== hidden),
    [history.items, hidden],
  );

  return (
    <>
      {session ? <SessionFacts session={session} /> : null}
      {mayRead ? (
        <section className="conv-history" aria-labelledby="history-title">
          <h2 id="history-title">History</h2>
          <ErrorNote error={loadError} />
          {history.nextCursor ? (
            <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? "Loading…" : "Older"}
            </button>
          ) : null}
          <ol role="list" aria-label="History" className="conv-list">
            {shown.map((tell) => (
              <HistoryEntry key={tell.requestId} tell={tell} live={othersText.get(tell.requestId)} />
            ))}
            {shown.length === 0 ? (
              <li className="conv-empty">
                {!loaded ? (
                  <p className="muted">Loading…</p>
                ) : (
                  <Empty>
                    {own && !own.status
                      ? "The first tell is running: see Your tell."
                      : session
                        ? "No tells in this session yet."
                        : "No session yet: the first tell starts one."}
                  </Empty>
                )}
              </li>
            ) : null}
          </ol>
        </section>
      ) : (
        <p className="muted">This key may not read the history (it lacks cache:read).</p>
      )}

      {own ? (
        <section className="conv-live" aria-labelledby="live-title">
          <h2 id="live-title">Your tell</h2>
          <p className="conv-message conv-own-message">{own.message}</p>
          <div
            role="region"
            aria-label="Response"
            aria-live="polite"
            aria-busy={running}
            data-testid="streaming"
            className="conv-streaming"
          >
            {streamed}
          </div>
          {running ? (
            <p className="conv-running">
              <span className="muted">{progressOf(own, events)}</span>{" "}
              {mayCancel ? (
                <button type="button" onClick={() => void cancel()} disabled={cancelling || !own.requestId}>
                  Cancel
                </button>
              ) : null}
            </p>
          ) : null}
          {cancelNote ? <p className="muted">{cancelNote}</p> : null}
          {ending ? (
            <div className="conv-ending">
              <p>
                Status:{" "}
                <strong data-testid="tell-status" className={`conv-status status-${ending.status}`}>
                  {ending.status}
                </strong>
                {ending.reason ? <span className="muted"> — {ending.reason}</span> : null}
              </p>
              <h3>Final response</h3>
              <div data-testid="final-response" className="conv-response">
                {ending.response}
              </div>
            </div>
          ) : null}
          {own.error !== undefined ? (
            <p role="alert" className="alert">
              {own.error}
            </p>
          ) : null}
        </section>
      ) : null}

      <ErrorNote error={actionError} />

      {mayTell ? <TellBox busy={running} onSend={(message) => void send(message)} /> : null}

      {mayFork && session ? (
        <section className="conv-fork" aria-labelledby="fork-title">
          <h2 id="fork-title">Fork</h2>
          <p className="muted">Branch a new session from this one, to continue it elsewhere.</p>
          <button type="button" onClick={() => void doFork()} disabled={forking}>
            {forking ? "Forking…" : "Fork"}
          </button>
          {fork ? (
            <div className="conv-fork-result" role="status">
              <p>
                Fork <span className="mono">{fork.sessionId}</span> created. Continue it with:
              </p>
              <code className="conv-command">{fork.command}</code>
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

/** Apply one event of the page's own tell stream. */
function applyOwnEvent(event: StreamEvent, current: OwnTell, update: (change: Partial<OwnTell>) => void): void {
  switch (event.event) {
    case "tell:accepted":
      update({
        requestId: event.data.requestId,
        sessionId: event.data.sessionId,
        ...(event.data.status ? { accepted: event.data.status } : {}),
      });
      break;
    case "tell:chunk":
      if (!current.chunks.has(event.data.seq)) {
        const chunks = new Map(current.chunks);
        chunks.set(event.data.seq, event.data.chunk);
        update({ chunks });
      }
      break;
    case "tell:complete":
      update({
        status: event.data.status,
        response: event.data.response,
        ...(event.data.reason !== undefined ? { reason: event.data.reason } : {}),
      });
      break;
    case "tell:error":
      update({ status: "failed", error: event.data.message });
      break;
    default:
      break;
  }
}

/** The text streamed so far: the tell's chunks from its own stream and the session's, each seq once, in order. */
function streamedText(own: OwnTell | null, events: readonly StreamEvent[]): string {
  if (!own) return "";
  const chunks = new Map(own.chunks);
  if (own.requestId) {
    for (const event of events) {
      if (event.event === "tell:chunk" && event.data.requestId === own.requestId) {
        chunks.set(event.data.seq, event.data.chunk);
      }
    }
  }
  return [...chunks.entries()]
    .sort((a, b) => a[0] - b[0])
    .map((entry) => entry[1])
    .join("");
}

/** The text streamed so far of each tell of the session that started while the page followed it (so none misses
 * its beginning); the session's events come in seq order, each once. */
function liveTexts(events: readonly StreamEvent[]): ReadonlyMap<string, string> {
  const texts = new Map<string, string>();
  for (const event of events) {
    if (event.event === "tell:queued" || event.event === "tell:started") {
      if (!texts.has(event.data.requestId)) texts.set(event.data.requestId, "");
    } else if (event.event === "tell:chunk") {
      const before = texts.get(event.data.requestId);
      if (before !== undefined) texts.set(event.data.requestId, before + event.data.chunk);
    }
  }
  return texts;
}

/** How the page's own tell ended (from its stream or the session's events), once it has. */
function endOf(
  own: OwnTell | null,
  events: readonly StreamEvent[],
): { status: TellStatus; response: string; reason?: string } | undefined {
  if (!own) return undefined;
  if (own.status !== undefined && TERMINAL.has(own.status)) {
    return { status: own.status, response: own.response ?? "", ...(own.reason ? { reason: own.reason } : {}) };
  }
  if (!own.requestId) return undefined;
  for (const event of events) {
    if (event.event === "tell:complete" && event.data.requestId === own.requestId) {
      return {
        status: event.data.status,
        response: event.data.response,
        ...(event.data.reason ? { reason: event.data.reason } : {}),
      };
    }
    if (event.event === "tell:error" && event.data.requestId === own.requestId) {
      return { status: "failed", response: "", reason: event.data.message };
    }
  }
  return undefined;
}

/** Where the page's own tell is: sending, queued (behind others) or running. */
function progressOf(own: OwnTell, events: readonly StreamEvent[]): string {
  if (!own.requestId) return "Sending…";
  if (own.chunks.size > 0 || own.accepted === "running") return "Running…";
  let queued: number | undefined;
  for (const event of events) {
    if (event.event === "tell:started" && event.data.requestId === own.requestId) return "Running…";
    if (event.event === "tell:chunk" && event.data.requestId === own.requestId) return "Running…";
    if (event.event === "tell:queued" && event.data.requestId === own.requestId) queued = event.data.position;
  }
  if (own.accepted !== "queued") return "Running…";
  return queued !== undefined ? `Queued (position ${queued})…` : "Queued…";
}

/** What to say when a tell could not be sent or followed to its end. */
function tellFailure(error: unknown): string {
  if (error instanceof IrisStreamError) {
    const event = error.event;
    if (event && event.event === "error") return event.data.message;
    return `${error.message}. The tell may still run: its record will appear in the history.`;
  }
  if (error instanceof IrisApiError) return errorMessage(error);
  return errorMessage(error);
}

/** The session's facts: state, pid, messages, cost, when it was last used. */
function SessionFacts(props: { session: Session }) {
  const s = props.session;
  return (
    <dl className="conv-facts">
      <div>
        <dt>State</dt>
        <dd data-state={s.state}>{s.state}</dd>
      </div>
      <div>
        <dt>PID</dt>
        <dd>{s.pid ?? "—"}</dd>
      </div>
      <div>
        <dt>Messages</dt>
        <dd>{s.messageCount}</dd>
      </div>
      <div>
        <dt>Cost</dt>
        <dd>
          <Money value={s.totals.costUsd} />
        </dd>
      </div>
      <div>
        <dt>Last used</dt>
        <dd>
          <RelativeTime value={s.lastUsedAt} />
        </dd>
      </div>
      {s.forkedFrom ? (
        <div>
          <dt>Forked from</dt>
          <dd className="mono">{s.forkedFrom}</dd>
        </div>
      ) : null}
    </dl>
  );
}

/** One tell of the history: who asked whom (and through which chain), its status, message and response (streamed
 * live while it runs, when the page follows the session). */
function HistoryEntry(props: { tell: Tell; live: string | undefined }) {
  const tell = props.tell;
  const active = tell.status === "queued" || tell.status === "running";
  const response = active && props.live !== undefined ? props.live : tell.response;
  return (
    <li className="conv-entry" data-request-id={tell.requestId} data-status={tell.status}>
      <div className="conv-entry-head">
        <span className="conv-who">
          {tell.from} → {tell.to}
        </span>
        <span className={`conv-status status-${tell.status}`}>{tell.status}</span>
        <RelativeTime value={tell.timestamp} />
        {tell.costUsd !== undefined ? <Money value={tell.costUsd} /> : null}
      </div>
      {tell.chain && tell.chain.length > 0 ? (
        <p className="conv-chain muted">
          Asked from inside: {tell.chain.map((link) => `${link.from} → ${link.to}`).join(", then ")}
        </p>
      ) : null}
      <p className="conv-message">{tell.message}</p>
      {response ? <p className="conv-response">{response}</p> : null}
      {tell.reason && tell.status !== "completed" ? <p className="conv-reason muted">{tell.reason}</p> : null}
    </li>
  );
}

/** The tell box: a Message textarea and a Send button (Ctrl+Enter sends). */
function TellBox(props: { busy: boolean; onSend: (message: string) => void }) {
  const [message, setMessage] = useState("");
  const id = useId();
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (props.busy || message.trim() === "") return;
    props.onSend(message);
    setMessage("");
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) submit();
  };
  return (
    <form className="conv-tell" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Tell</h2>
      <label htmlFor={`${id}-message`}>Message</label>
      <textarea
        id={`${id}-message`}
        value={message}
        rows={4}
        onChange={(event) => setMessage(event.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={`${id}-hint`}
      />
      <p id={`${id}-hint`} className="muted conv-hint">
        Ctrl+Enter sends.
      </p>
      <button type="submit" className="primary" disabled={props.busy || message.trim() === ""}>
        Send
      </button>
    </form>
  );
}
