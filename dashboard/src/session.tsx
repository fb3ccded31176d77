/** The signed-in session: the API key, the client, what the key may do, the shared WebSocket, sign-in and sign-out. */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type FormEvent,
  type ReactNode,
} from "react";

import {
  createIrisClient,
  IrisApiError,
  IrisAuthError,
  IrisSocket,
  isApiError,
  type IrisClient,
  type Schemas,
  type WebSocketLike,
} from "@iris/client";

import { Live, LiveContext } from "./live";

/** What `GET /api/keys/me` says about the calling key: its name, permissions and team scope. */
export type KeyInfo = Schemas["CurrentKey"];

export interface Signed {
  /** `createIrisClient({ baseUrl, apiKey })`; every 401 answer signs out. */
  client: IrisClient;
  baseUrl: string;
  apiKey: string;
  me: KeyInfo;
  /** Whether the key holds `permission` (admin holds every permission). */
  can(permission: string): boolean;
  /** Whether `team` is within the key's team scope (no scope: every team). */
  canTeam(team: string): boolean;
  /** The one shared WebSocket (reconnecting, re-subscribing with `afterSeq`). */
  socket: IrisSocket;
  /** Back to the sign-in page, showing `message` in `role="alert"`. */
  signOut(message?: string): void;
}

/** Where the key is kept for this tab (never in localStorage, never in a URL). */
export const STORAGE_KEY = "iris.apiKey";
/** The message shown when the server stops accepting the key. */
export const REVOKED_MESSAGE = "Your key was revoked or has expired: sign in with another key.";

const SignedContext = createContext<Signed | null>(null);

/** The signed-in session (only inside the signed-in app). */
export function useSigned(): Signed {
  const signed = useContext(SignedContext);
  if (!signed) throw new Error("useSigned outside the signed-in app");
  return signed;
}

/** Read `#key=<key>` once: store the key for this tab and replace the address with `#/fleet` at once. */
export function takeKeyFromHash(): string | null {
  const match = /^#key=([^&]*)/.exec(window.location.hash);
  if (!match) return null;
  let key = match[1] ?? "";
  try {
    key = decodeURIComponent(key);
  } catch {
    // keep it as it is
  }
  history.replaceState(null, "", `${window.location.pathname}${window.location.search}#/fleet`);
  key = key.trim();
  if (!key) return null;
  sessionStorage.setItem(STORAGE_KEY, key);
  return key;
}

/** `./config.json` next to index.html: `{"apiBase": null}` (same origin) or the API's origin. */
async function loadBaseUrl(): Promise<string> {
  try {
    const response = await fetch("./config.json", { cache: "no-store", credentials: "omit" });
    if (response.ok) {
      const config = (await response.json()) as { apiBase?: string | null };
      if (typeof config.apiBase === "string" && config.apiBase) return config.apiBase.replace(/\/+$/, "");
    }
  } catch {
    // no config: same origin
  }
  return window.location.origin;
}

/** The permission check of a key: admin holds every permission. */
export function holds(me: KeyInfo, permission: string): boolean {
  const permissions = me.permissions as readonly string[];
  return permissions.includes("admin") || permissions.includes(permission);
}

/** Whether `team` is within the key's scope (null or absent: every team). */
export function inScope(me: KeyInfo, team: string): boolean {
  const teams = (me as { teams?: readonly string[] | null }).teams;
  return teams === null || teams === undefined || teams.includes(team);
}

type SocketStatus = "open" | "reconnecting";

/** The socket's connection state, for the "reconnecting" indicator. */
export class SocketState {
  status: SocketStatus = "open";
  private readonly listeners = new Set<() => void>();

  set(status: SocketStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** A browser WebSocket whose opens and closes `state` follows (IrisSocket sets the `on*` handlers itself). */
function trackedWebSocket(state: SocketState): (url: string) => WebSocketLike {
  return (url) => {
    const ws = new WebSocket(url);
    ws.addEventListener("open", () => state.set("open"));
    ws.addEventListener("close", () => state.set("reconnecting"));
    return ws as unknown as WebSocketLike;
  };
}

/** The server refused the key (401): it is forgotten. */
class KeyRefused extends Error {}

/** The text of a failed request: the contract's `message`, or a plain fallback. */
export function errorMessage(error: unknown): string {
  if (error instanceof IrisApiError) return error.body?.message ?? `The server answered ${error.status}.`;
  if (isApiError(error)) return error.message;
  if (error instanceof TypeError) return "The server could not be reached.";
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

interface SignedValue {
  signed: Signed;
  live: Live;
  socketState: SocketState;
}

type Phase =
  | { phase: "starting" }
  | { phase: "signedOut"; message?: string }
  | { phase: "signing" }
  | { phase: "signed"; value: SignedValue };

/** Ask the server what `apiKey` may do, then open the shared WebSocket; throws with a message to show. */
async function signIn(
  baseUrl: string,
  apiKey: string,
  signOutOf: (message: string | undefined, which: Signed) => void,
): Promise<SignedValue> {
  let self: Signed | undefined;
  const signOut = (message?: string) => {
    if (self) signOutOf(message, self);
  };
  const client = createIrisClient({ baseUrl, apiKey });
  let signedIn = false;
  client.use({
    onResponse({ response }) {
      if (signedIn && response.status === 401) signOut(REVOKED_MESSAGE);
      return undefined;
    },
  });
  const result = await client.GET("/api/keys/me");
  if (result.response.status === 401) {
    const message = isApiError(result.error) ? result.error.message : "That key was not accepted";
    throw new KeyRefused(`${message}.`.replace(/\.\.$/, "."));
  }
  if (!result.response.ok || result.data === undefined) {
    throw new Error(isApiError(result.error) ? result.error.message : `The server answered ${result.response.status}.`);
  }
  const me = result.data;
  const socketState = new SocketState();
  let socket: IrisSocket;
  try {
    socket = await IrisSocket.connect({
      url: baseUrl,
      apiKey,
      createWebSocket: trackedWebSocket(socketState),
      retryDelayMs: 250,
      maxRetries: Number.MAX_SAFE_INTEGER,
    });
  } catch (error) {
    if (error instanceof IrisAuthError) throw new KeyRefused(REVOKED_MESSAGE);
    throw new Error("The live connection (WebSocket) could not be opened.");
  }
  socket.onError((error) => {
    if (error instanceof IrisAuthError) signOut(REVOKED_MESSAGE);
  });
  signedIn = true;
  const signed: Signed = (self = {
    client,
    baseUrl,
    apiKey,
    me,
    can: (permission) => holds(me, permission),
    canTeam: (team) => inScope(me, team),
    socket,
    signOut,
  });
  const live = new Live(signed, socketState);
  return { signed, live, socketState };
}

/** Everything signed in: sign-in page until a key works, then `children` with the session and live store. */
export function SessionRoot(props: { children: ReactNode }) {
  const [phase, setPhase] = useState<Phase>({ phase: "starting" });
  const baseUrl = useRef<string>(window.location.origin);
  const current = useRef<SignedValue | null>(null);

  const signOut = useCallback((message?: string, which?: Signed) => {
    // A session signed out already (a late answer of it, say) leaves the current one alone.
    if (which && current.current?.signed !== which) return;
    sessionStorage.removeItem(STORAGE_KEY);
    const value = current.current;
    current.current = null;
    if (value) {
      value.live.close();
      value.signed.socket.close();
    }
    setPhase(message ? { phase: "signedOut", message } : { phase: "signedOut" });
  }, []);

  const attempt = useCallback(
    async (apiKey: string) => {
      setPhase({ phase: "signing" });
      try {
        const value = await signIn(baseUrl.current, apiKey, signOut);
        sessionStorage.setItem(STORAGE_KEY, apiKey);
        current.current = value;
        setPhase({ phase: "signed", value });
      } catch (error) {
        // A refused key is forgotten; on any other failure (the server is down, say) a reload tries it again.
        if (error instanceof KeyRefused) sessionStorage.removeItem(STORAGE_KEY);
        else sessionStorage.setItem(STORAGE_KEY, apiKey);
        const message = errorMessage(error);
        const shown = error instanceof KeyRefused ? message : `${message} Reload to try again.`;
        setPhase({ phase: "signedOut", message: shown });
      }
    },
    [signOut],
  );

  useEffect(() => {
    let cancelled = false;
    takeKeyFromHash();
    void loadBaseUrl().then((url) => {
      if (cancelled) return;
      baseUrl.current = url;
      const stored = sessionStorage.getItem(STORAGE_KEY);
      if (stored) void attempt(stored);
      else setPhase({ phase: "signedOut" });
    });
    const onHash = () => {
      const key = takeKeyFromHash();
      if (!key || key === current.current?.signed.apiKey) return;
      if (current.current) signOut();
      void attempt(key);
    };
    window.addEventListener("hashchange", onHash);
    return () => {
      cancelled = true;
      window.removeEventListener("hashchange", onHash);
    };
  }, [attempt, signOut]);

  useEffect(
    () => () => {
      current.current?.live.close();
      current.current?.signed.socket.close();
    },
    [],
  );

  if (phase.phase === "signed") {
    const { signed, live } = phase.value;
    return (
      <SignedContext.Provider value={signed}>
        <LiveContext.Provider value={live}>{props.children}</LiveContext.Provider>
      </SignedContext.Provider>
    );
  }
  return (
    <SignInPage
      busy={phase.phase === "signing" || phase.phase === "starting"}
      message={phase.phase === "signedOut" ? phase.message : undefined}
      onSubmit={(key) => void attempt(key)}
    />
  );
}

/** The sign-in form: an API key (type password) and a Sign in button; errors in role="alert". */
function SignInPage(props: { busy: boolean; message: string | undefined; onSubmit: (key: string) => void }) {
  const [key, setKey] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed) {
      setKey("");
      props.onSubmit(trimmed);
    }
  };
  const id = useMemo(() => "api-key", []);
  return (
    <main className="signin">
      <form className="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Iris</h1>
        <p className="muted">Sign in with an API key. It is kept in this tab only.</p>
        {props.message ? (
          <p role="alert" className="alert">
            {props.message}
          </p>
        ) : null}
        <label htmlFor={id}>API key</label>
        <input
          id={id}
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={key}
          onChange={(event) => setKey(event.target.value)}
          required
        />
        <button type="submit" className="primary" disabled={props.busy}>
          {props.busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
