/**
 * Iris streams over Server-Sent Events (fetch) and the WebSocket - hand-written, typed by the
 * generated schema. Every event is the envelope `{ event: NAME, data: {...} }` (`ServerEvent`,
 * a union discriminated by `event`).
 *
 * - `tellStream(options, body)`: `POST /api/teams/tell/stream` - `tell:accepted`, `tell:chunk`...,
 *   then one `tell:complete` or `tell:error`, after which the iterator ends.
 * - `subscribeEvents(options, { session, team, system, logs })`: `GET /api/events` for as long as
 *   you iterate; a dropped connection is reopened by itself with `Last-Event-ID`, so the server
 *   replays what was missed (or sends `reset`). Log records (`log:record`, `logs: <level>`) are not
 *   replayed: read what a reconnect missed from `GET /api/logs`.
 * - `IrisSocket`: the WebSocket at `/ws` (browsers, or Node 20 with the `ws` package): auth message,
 *   subscriptions and `tell:start`; when the connection drops it reconnects, authenticates again and
 *   re-subscribes each session with `afterSeq` = the last seq seen, and teams, system and logs.
 *
 * Runs on Node 20+ (global fetch) and in browsers; nothing here needs Node-only APIs.
 */
import { IrisApiError } from "./errors.js";
import type { components } from "./schema.js";

type S = components["schemas"];

/** Any server event envelope. */
export type ServerEvent = S["ServerEvent"];
export type EventName = ServerEvent["event"];
/** The envelope of one event name, e.g. `EventOf<"tell:chunk">["data"]["chunk"]`. */
export type EventOf<N extends EventName> = Extract<ServerEvent, { event: N }>;
/** A server event plus, over SSE, its id (`<sessionId>:<seq>` for session events). */
export type StreamEvent = ServerEvent & { id?: string };
/** Any client message over the WebSocket. */
export type ClientMessage = S["ClientMessage"];
export type TellStartRequest = S["TellStartRequest"];
/** A log level, lowest to highest (`debug` ... `critical`). */
export type LogLevel = S["LogLevel"];

export const TERMINAL_TELL_EVENTS: ReadonlySet<EventName> = new Set<EventName>(["tell:complete", "tell:error"]);

export interface StreamOptions {
  /** The server, e.g. `http://127.0.0.1:1615`. */
  baseUrl: string;
  /** An Iris API key, sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** A fetch implementation (default: the global fetch). */
  fetch?: typeof fetch;
}

/** A `tell:error` or stream `error` event ended a tell, or its stream broke before the end. */
export class IrisStreamError extends Error {
  readonly event: StreamEvent | undefined;

  constructor(message: string, event?: StreamEvent) {
    super(message);
    this.name = "IrisStreamError";
    this.event = event;
  }
}

/** The WebSocket was closed with 4401 (no, invalid, revoked or expired key). */
export class IrisAuthError extends Error {
  constructor(message = "not authenticated (close code 4401)") {
    super(message);
    this.name = "IrisAuthError";
  }
}

// ----------------------------------------------------------------------------- SSE parsing

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
  retry?: number;
}

/** An incremental Server-Sent Events parser (WHATWG rules: fields, comments, blank-line dispatch, CR/LF/CRLF). */
export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private id: string | undefined;
  private retry: number | undefined;

  /** Feed decoded text; returns the messages it completed. */
  push(text: string): SseMessage[] {
    this.buffer += text;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      // A lone CR at the very end may be the first half of CRLF: wait for more.
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") {
      if (this.data.length === 0 && this.event === "") {
        this.id = undefined;
        this.retry = undefined;
        return undefined;
      }
      const message: SseMessage = { event: this.event || "message", data: this.data.join("\n") };
      if (this.id !== undefined) message.id = this.id;
      if (this.retry !== undefined) message.retry = this.retry;
      this.event = "";
      this.data = [];
      this.id = undefined;
      this.retry = undefined;
      return message;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const name = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (name === "event") this.event = value;
    else if (name === "data") this.data.push(value);
    else if (name === "id" && !value.includes("\0")) this.id = value;
    else if (name === "retry" && /^\d+$/.test(value)) this.retry = Number(value);
    return undefined;
  }
}

/** A `StreamEvent` from one SSE message (its data is the JSON envelope), or undefined for none. */
export function toStreamEvent(message: SseMessage): StreamEvent | undefined {
  if (!message.data) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const envelope =
    typeof parsed === "object" && parsed !== null && "event" in parsed
      ? (parsed as ServerEvent)
      : ({ event: message.event, data: parsed } as ServerEvent);
  return message.id !== undefined ? { ...envelope, id: message.id } : envelope;
}

async function* readSse(body: ReadableStream<Uint8Array>, onChunk?: () => void): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.();
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode() + "\n\n");
  } finally {
    reader.releaseLock();
  }
}

function requestHeaders(options: StreamOptions, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = { Accept: "text/event-stream", ...options.headers, ...extra };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  return headers;
}

function apiUrl(options: StreamOptions, path: string): string {
  return options.baseUrl.replace(/\/+$/, "") + path;
}

async function errorOf(response: Response): Promise<IrisApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return new IrisApiError(response.status, body);
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === "AbortError");
}

// ----------------------------------------------------------------------------- streamed tell

/**
 * Send a tell and yield its events: `tell:accepted`, `tell:chunk`..., ending after `tell:complete`
 * or `tell:error`. A refused tell (validation, auth, unknown team, full queue) throws
 * `IrisApiError`. Aborting `signal` stops reading; it never cancels the tell on the server.
 */
export async function* tellStream(
  options: StreamOptions,
  body: TellStartRequest,
  init: { signal?: AbortSignal } = {},
): AsyncGenerator<StreamEvent> {
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(apiUrl(options, "/api/teams/tell/stream"), {
    method: "POST",
    headers: requestHeaders(options, { "Content-Type": "application/json" }),
    body: JSON.stringify(body),
    signal: init.signal,
  });
  if (!response.ok || !response.body) throw await errorOf(response);
  try {
    for await (const message of readSse(response.body)) {
      const event = toStreamEvent(message);
      if (!event) continue;
      yield event;
      if (TERMINAL_TELL_EVENTS.has(event.event)) return;
    }
  } catch (error) {
    if (isAbort(error, init.signal)) return;
    throw error;
  } finally {
    await response.body.cancel().catch(() => undefined);
  }
  throw new IrisStreamError("the tell stream ended before tell:complete or tell:error");
}

// ----------------------------------------------------------------------------- subscriptions

export interface SubscribeOptions {
  /** A session's events (messages, chunks, tell lifecycle). */
  session?: string;
  /** A team's process and permission events. */
  team?: string;
  /** System health ticks. */
  system?: boolean;
  /** The server's log records at or above this level (`log:record`; needs `debug:read`). */
  logs?: LogLevel;
  /** Resume after this SSE id (`<sessionId>:<seq>`). */
  lastEventId?: string;
  /** First delay before reconnecting (doubles on repeated failures, at most 30 s). Default 500 ms. */
  retryDelayMs?: number;
  /** Give up after this many failures in a row (default: never). */
  maxRetries?: number;
  /** No byte for this long counts as a dropped connection (the server sends heartbeats every 15 s). Default 45 s. */
  idleTimeoutMs?: number;
  /** Stops the subscription (the iterator then ends quietly). */
  signal?: AbortSignal;
  /** Called before each reconnect with the error that ended the previous connection. */
  onReconnect?: (error: unknown, attempt: number) => void;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

function backoff(baseMs: number, failures: number): number {
  return Math.min(baseMs * 2 ** Math.min(failures - 1, 5), 30_000);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Yield the live events of a session, a team and/or the system (`GET /api/events`) until `signal`
 * aborts or you stop iterating. Reconnects by itself with `Last-Event-ID` = the id of the last
 * session event seen. 400, 401, 403 and 404 throw `IrisApiError` at once.
 */
export async function* subscribeEvents(
  options: StreamOptions,
  subscription: SubscribeOptions,
): AsyncGenerator<StreamEvent> {
  const params = new URLSearchParams();
  if (subscription.session) params.set("session", subscription.session);
  if (subscription.team) params.set("team", subscription.team);
  if (subscription.system) params.set("system", "true");
  if (subscription.logs) params.set("logs", subscription.logs);
  if ([...params.keys()].length === 0) {
    throw new TypeError("subscribe to at least one of session, team, system or logs");
  }
  const doFetch = options.fetch ?? fetch;
  const url = `${apiUrl(options, "/api/events")}?${params.toString()}`;
  const outer = subscription.signal;
  const idleMs = subscription.idleTimeoutMs ?? 45_000;
  let lastEventId = subscription.lastEventId;
  let retryMs = subscription.retryDelayMs ?? 500;
  let failures = 0;

  while (!outer?.aborted) {
    const connection = new AbortController();
    const stop = (): void => connection.abort();
    outer?.addEventListener("abort", stop, { once: true });
    let idle: ReturnType<typeof setTimeout> | undefined;
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => connection.abort(new IrisStreamError(`no event for ${idleMs} ms`)), idleMs);
    };
    let failure: unknown;
    try {
      touch();
      const extra: Record<string, string> = { "Cache-Control": "no-cache" };
      if (lastEventId) extra["Last-Event-ID"] = lastEventId;
      const response = await doFetch(url, { headers: requestHeaders(options, extra), signal: connection.signal });
      if (!response.ok || !response.body) {
        const error = await errorOf(response);
        if (!RETRY_STATUSES.has(response.status)) throw error;
        failure = error;
      } else {
        for await (const message of readSse(response.body, touch)) {
          if (message.retry !== undefined) retryMs = message.retry;
          const event = toStreamEvent(message);
          if (!event) continue;
          if (event.id) lastEventId = event.id;
          failures = 0;
          yield event;
        }
        failure = new IrisStreamError("the event stream ended");
      }
    } catch (error) {
      if (outer?.aborted) return;
      if (error instanceof IrisApiError) throw error;
      failure = connection.signal.aborted ? (connection.signal.reason ?? error) : error;
    } finally {
      clearTimeout(idle);
      outer?.removeEventListener("abort", stop);
      connection.abort();
    }
    failures += 1;
    if (subscription.maxRetries !== undefined && failures > subscription.maxRetries) throw failure;
    subscription.onReconnect?.(failure, failures);
    await sleep(backoff(retryMs, failures), outer);
  }
}

// ----------------------------------------------------------------------------- WebSocket

/**
 * The parts of a WebSocket this client uses: the browser's, Node 22's global, or the `ws` package's
 * (their event types differ, hence the loose handler parameters; only `data`, `code` and `reason` are read).
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /* eslint-disable @typescript-eslint/no-explicit-any */
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export interface SocketOptions {
  /** The server (`http://...`, `https://...`) or the socket itself (`ws://.../ws`). */
  url: string;
  /** An Iris API key, sent as the first message `{event: "auth", data: {token}}` (as browsers must). */
  apiKey?: string;
  /** How to open a socket (default: `new globalThis.WebSocket(url)`). On Node 20: `(url) => new WebSocket(url)` from `ws`. */
  createWebSocket?: WebSocketFactory;
  /** First delay before reconnecting (doubles, at most 30 s). Default 500 ms. */
  retryDelayMs?: number;
  /** Give up after this many failed reconnects in a row (default 10). */
  maxRetries?: number;
  /** Called after each successful reconnect. */
  onReconnect?: (attempt: number) => void;
}

/** `http://host:port` -> `ws://host:port/ws`; a `ws(s)://` URL is used as it is. */
export function websocketUrl(url: string): string {
  if (/^wss?:/.test(url)) return url;
  const u = new URL(url);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = u.pathname.replace(/\/+$/, "") + "/ws";
  u.search = "";
  return u.toString();
}

function dataText(data: unknown): string | undefined {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return undefined;
}

function field(event: ServerEvent, name: "sessionId" | "requestId"): string | undefined {
  const value = (event.data as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : undefined;
}

function seqOf(event: ServerEvent): number | undefined {
  const value = (event.data as Record<string, unknown> | undefined)?.seq;
  return typeof value === "number" ? value : undefined;
}

/** A simple async queue: push values (or an error), iterate them. */
class Channel<T> {
  private items: T[] = [];
  private waiters: Array<{ resolve: (v: IteratorResult<T>) => void; reject: (e: unknown) => void }> = [];
  private failure: unknown;
  private closed = false;

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.items.push(item);
  }

  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.closed) {
      return this.failure !== undefined
        ? Promise.reject(this.failure)
        : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }
}

interface TellWaiter {
  requestId?: string;
  sessionId?: string;
  channel: Channel<StreamEvent>;
}

/**
 * One WebSocket connection to `/ws` that re-establishes itself and its subscriptions.
 *
 *     const socket = await IrisSocket.connect({ url: "http://127.0.0.1:1615", apiKey, createWebSocket });
 *     for await (const event of socket.tell({ toTeam: "alpha", message: "hi" })) { ... }
 *     socket.subscribeSession(sessionId);
 *     const off = socket.onEvent((event) => console.log(event.event));
 *     socket.close();
 */
export class IrisSocket {
  readonly url: string;
  /** Subscribed sessions -> the last seq seen (sent as `afterSeq` on reconnect). */
  readonly sessions = new Map<string, number | undefined>();
  readonly teams = new Set<string>();
  system = false;
  /** The minimum level of the log records followed (`logs:subscribe`), if any. */
  logs: LogLevel | undefined;
  reconnects = 0;

  private ws: WebSocketLike | undefined;
  private readonly options: SocketOptions;
  private readonly listeners = new Set<(event: StreamEvent) => void>();
  private readonly errorListeners = new Set<(error: unknown) => void>();
  private readonly closeListeners = new Set<() => void>();
  private readonly pending: TellWaiter[] = [];
  private readonly tells = new Map<string, TellWaiter>();
  private readonly tellSessions = new Map<string, number | undefined>();
  private closing = false;
  private failure: unknown;
  private ready: Promise<void> = Promise.resolve();

  private constructor(options: SocketOptions) {
    this.options = options;
    this.url = websocketUrl(options.url);
  }

  /** Open the socket (and authenticate); resolves once it is open. */
  static async connect(options: SocketOptions): Promise<IrisSocket> {
    const socket = new IrisSocket(options);
    socket.ready = socket.dial();
    await socket.ready;
    return socket;
  }

  private open(): WebSocketLike {
    if (this.options.createWebSocket) return this.options.createWebSocket(this.url);
    const Ctor = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
    if (!Ctor) throw new Error("no global WebSocket: pass createWebSocket (e.g. from the `ws` package)");
    return new Ctor(this.url);
  }

  private dial(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws = this.open();
      } catch (error) {
        reject(error);
        return;
      }
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.ws = ws;
        if (this.options.apiKey) ws.send(JSON.stringify({ event: "auth", data: { token: this.options.apiKey } }));
        this.resubscribe();
        resolve();
      };
      ws.onmessage = (message: { data: unknown }) => {
        const text = dataText(message.data);
        if (text !== undefined) this.dispatch(text);
      };
      ws.onerror = () => undefined; // the close that follows says what happened
      ws.onclose = (event: { code: number; reason: string }) => {
        if (!opened) {
          reject(event.code === 4401 ? new IrisAuthError() : new IrisStreamError(`WebSocket closed (${event.code})`));
          return;
        }
        this.dropped(event.code, event.reason);
      };
    });
  }

  private resubscribe(): void {
    const sessions = new Map([...this.tellSessions, ...this.sessions]);
    for (const [sessionId, afterSeq] of sessions) {
      this.raw({ event: "cache:subscribe", data: afterSeq === undefined ? { sessionId } : { sessionId, afterSeq } });
    }
    for (const team of this.teams) this.raw({ event: "process:subscribe", data: { team } });
    if (this.system) this.raw({ event: "system:subscribe", data: {} });
    if (this.logs) this.raw({ event: "logs:subscribe", data: { level: this.logs } });
  }

  private raw(message: ClientMessage): void {
    this.ws?.send(JSON.stringify(message));
  }

  private dropped(code: number, reason: string): void {
    this.ws = undefined;
    if (this.closing) return;
    if (code === 4401) {
      this.fatal(new IrisAuthError(reason ? `not authenticated: ${reason}` : undefined));
      return;
    }
    for (const waiter of this.pending.splice(0)) {
      waiter.channel.fail(new IrisStreamError("the WebSocket dropped before tell:accepted"));
    }
    this.ready = this.reconnect();
    this.ready.catch(() => undefined);
  }

  private async reconnect(): Promise<void> {
    const max = this.options.maxRetries ?? 10;
    for (let attempt = 1; !this.closing; attempt++) {
      if (attempt > max) {
        const error = new IrisStreamError(`the WebSocket could not reconnect after ${max} attempts`);
        this.fatal(error);
        throw error;
      }
      await sleep(backoff(this.options.retryDelayMs ?? 500, attempt));
      if (this.closing) return;
      try {
        await this.dial();
        this.reconnects += 1;
        this.options.onReconnect?.(attempt);
        return;
      } catch (error) {
        if (error instanceof IrisAuthError) {
          this.fatal(error);
          throw error;
        }
      }
    }
  }

  private fatal(error: unknown): void {
    this.failure = error;
    for (const waiter of this.pending.splice(0)) waiter.channel.fail(error);
    for (const waiter of this.tells.values()) waiter.channel.fail(error);
    this.tells.clear();
    for (const listener of this.errorListeners) listener(error);
  }

  private dispatch(text: string): void {
    let event: ServerEvent;
    try {
      event = JSON.parse(text) as ServerEvent;
    } catch {
      return;
    }
    if (typeof event !== "object" || event === null || typeof event.event !== "string") return;
    const sessionId = field(event, "sessionId");
    const seq = seqOf(event);
    if (sessionId !== undefined && seq !== undefined) {
      if (this.sessions.has(sessionId)) this.sessions.set(sessionId, Math.max(seq, this.sessions.get(sessionId) ?? 0));
      if (this.tellSessions.has(sessionId)) {
        this.tellSessions.set(sessionId, Math.max(seq, this.tellSessions.get(sessionId) ?? 0));
      }
    }
    if (event.event === "tell:accepted" && this.pending.length > 0) {
      const waiter = this.pending.shift()!;
      waiter.requestId = event.data.requestId;
      waiter.sessionId = event.data.sessionId;
      this.tells.set(waiter.requestId, waiter);
      if (!this.tellSessions.has(waiter.sessionId)) this.tellSessions.set(waiter.sessionId, event.data.seq);
      waiter.channel.push(event);
      return;
    }
    if (event.event === "error" && this.pending.length > 0) {
      // The server answers messages in order: an error while a tell:start awaits acceptance is its refusal.
      this.pending.shift()!.channel.push(event);
      return;
    }
    const requestId = field(event, "requestId");
    const owner = requestId !== undefined ? this.tells.get(requestId) : undefined;
    if (owner && requestId !== undefined) {
      owner.channel.push(event);
      if (TERMINAL_TELL_EVENTS.has(event.event)) {
        this.tells.delete(requestId);
        const stillUsed = [...this.tells.values()].some((w) => w.sessionId === owner.sessionId);
        if (owner.sessionId && !stillUsed) this.tellSessions.delete(owner.sessionId);
      }
      if (!(sessionId && this.sessions.has(sessionId))) return;
    }
    for (const listener of this.listeners) listener(event);
  }

  private async send(message: ClientMessage): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    await this.ready;
    if (!this.ws) throw new IrisStreamError("the WebSocket is not connected");
    this.ws.send(JSON.stringify(message));
  }

  /** `cache:subscribe`: a session's events (replaying those after `afterSeq` while still retained). */
  async subscribeSession(sessionId: string, afterSeq?: number): Promise<void> {
    this.sessions.set(sessionId, afterSeq);
    await this.send({ event: "cache:subscribe", data: afterSeq === undefined ? { sessionId } : { sessionId, afterSeq } });
  }

  async unsubscribeSession(sessionId: string): Promise<void> {
    this.sessions.delete(sessionId);
    await this.send({ event: "cache:unsubscribe", data: { sessionId } });
  }

  /** `process:subscribe`: a team's process and permission events. */
  async subscribeTeam(team: string): Promise<void> {
    this.teams.add(team);
    await this.send({ event: "process:subscribe", data: { team } });
  }

  async unsubscribeTeam(team: string): Promise<void> {
    this.teams.delete(team);
    await this.send({ event: "process:unsubscribe", data: { team } });
  }

  /** `system:subscribe`: health ticks. */
  async subscribeSystem(): Promise<void> {
    this.system = true;
    await this.send({ event: "system:subscribe", data: {} });
  }

  async unsubscribeSystem(): Promise<void> {
    this.system = false;
    await this.send({ event: "system:unsubscribe", data: {} });
  }

  /** `logs:subscribe`: the server's log records at or above `level` (`log:record`; needs `debug:read`). */
  async subscribeLogs(level: LogLevel = "info"): Promise<void> {
    this.logs = level;
    await this.send({ event: "logs:subscribe", data: { level } });
  }

  async unsubscribeLogs(): Promise<void> {
    this.logs = undefined;
    await this.send({ event: "logs:unsubscribe", data: {} });
  }

  /** Calls `listener` for every subscribed event (and `error` events); returns the unsubscribe function. */
  onEvent(listener: (event: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` when the socket fails for good (4401, or out of reconnects). */
  onError(listener: (error: unknown) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** The subscribed events as an async iterator (ends when the socket is closed). */
  async *events(): AsyncGenerator<StreamEvent> {
    const channel = new Channel<StreamEvent>();
    const off = this.onEvent((event) => channel.push(event));
    const offError = this.onError((error) => channel.fail(error));
    const offClose = this.onClosed(() => channel.end());
    try {
      for (;;) {
        const next = await channel.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      off();
      offError();
      offClose();
    }
  }

  private onClosed(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * `tell:start`: yields `tell:accepted` and the tell's events, ending after `tell:complete`.
   * Throws `IrisStreamError` on `tell:error` (after yielding it) or when the server refuses the tell
   * with an `error` event (403, unknown team, ...); `IrisAuthError` on close code 4401.
   */
  async *tell(body: TellStartRequest): AsyncGenerator<StreamEvent> {
    const waiter: TellWaiter = { channel: new Channel<StreamEvent>() };
    this.pending.push(waiter);
    try {
      await this.send({ event: "tell:start", data: body });
    } catch (error) {
      this.pending.splice(this.pending.indexOf(waiter), 1);
      throw error;
    }
    for (;;) {
      const next = await waiter.channel.next();
      if (next.done) throw new IrisStreamError("the WebSocket was closed during the tell");
      const event = next.value;
      if (event.event === "error" && waiter.requestId === undefined) {
        throw new IrisStreamError(`tell refused: ${event.data.error}: ${event.data.message}`, event);
      }
      yield event;
      if (event.event === "tell:error") {
        throw new IrisStreamError(`${event.data.error}: ${event.data.message}`, event);
      }
      if (event.event === "tell:complete") return;
    }
  }

  /** Close the socket for good (no reconnect); pending tells end with `IrisStreamError`. */
  close(): void {
    this.closing = true;
    const error = new IrisStreamError("the WebSocket was closed");
    for (const waiter of this.pending.splice(0)) waiter.channel.fail(error);
    for (const waiter of this.tells.values()) waiter.channel.fail(error);
    this.tells.clear();
    for (const listener of this.closeListeners) listener();
    this.ws?.close(1000, "client closed");
    this.ws = undefined;
  }
}
