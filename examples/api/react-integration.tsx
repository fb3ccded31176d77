// A React hook that streams an Iris tell over the WebSocket, and a component that uses it.
// Type-checked by the test suite (tsc, @types/react) against @iris/client; it is not run in a browser.
//
//   cd examples/api && npm ci && npx tsc -p tsconfig.json
//
// IRIS_URL, IRIS_API_KEY and IRIS_TEAM come from the environment at build time (your bundler
// replaces `process.env.X`; with Vite use `import.meta.env.VITE_X`). A key in a browser is visible
// to its user: give it only `team:tell` and a team scope (`POST /api/keys` with `teams`).
// Browsers cannot set headers on a WebSocket, so IrisSocket authenticates with its first message.
import { IrisSocket, type StreamEvent, type TellStartRequest } from "@iris/client";
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";

declare const process: { env: Record<string, string | undefined> };

const IRIS_URL = process.env.IRIS_URL ?? "http://127.0.0.1:1615";
const IRIS_API_KEY = process.env.IRIS_API_KEY ?? "";
const IRIS_TEAM = process.env.IRIS_TEAM ?? "alpha";

export type TellPhase = "connecting" | "ready" | "streaming" | "done" | "failed";

export interface IrisTellState {
  phase: TellPhase;
  /** The answer so far (the chunks), then the final response. */
  text: string;
  requestId?: string;
  sessionId?: string;
  /** The last event's seq, handy to resume a session subscription. */
  seq?: number;
  error?: string;
}

export interface UseIrisTell extends IrisTellState {
  /** Send a tell and stream its answer into `text`. */
  send: (request: TellStartRequest) => Promise<void>;
}

/** Fold one stream event into the hook's state. */
export function reduceTell(state: IrisTellState, event: StreamEvent): IrisTellState {
  switch (event.event) {
    case "tell:accepted":
      return { ...state, requestId: event.data.requestId, sessionId: event.data.sessionId, seq: event.data.seq };
    case "tell:chunk":
      return { ...state, text: state.text + event.data.chunk, seq: event.data.seq };
    case "tell:complete":
      return {
        ...state,
        phase: event.data.status === "completed" ? "done" : "failed",
        text: event.data.response,
        seq: event.data.seq,
        error: event.data.status === "completed" ? undefined : (event.data.reason ?? event.data.status),
      };
    case "tell:error":
      return { ...state, phase: "failed", error: `${event.data.error}: ${event.data.message}` };
    default:
      return state;
  }
}

/** One WebSocket per (url, apiKey), opened on mount and closed on unmount; `send` streams a tell over it. */
export function useIrisTell(url: string, apiKey: string): UseIrisTell {
  const socket = useRef<IrisSocket | null>(null);
  const [state, setState] = useState<IrisTellState>({ phase: "connecting", text: "" });

  useEffect(() => {
    let unmounted = false;
    const fail = (error: unknown) => {
      if (!unmounted) setState((s) => ({ ...s, phase: "failed", error: String(error) }));
    };
    IrisSocket.connect({ url, apiKey }).then((opened) => {
      if (unmounted) return opened.close();
      socket.current = opened;
      opened.onError(fail);
      setState((s) => ({ ...s, phase: "ready" }));
    }, fail);
    return () => {
      unmounted = true;
      socket.current?.close();
      socket.current = null;
    };
  }, [url, apiKey]);

  const send = useCallback(async (request: TellStartRequest) => {
    const open = socket.current;
    if (!open) throw new Error("the Iris WebSocket is not connected yet");
    setState({ phase: "streaming", text: "" });
    try {
      for await (const event of open.tell(request)) setState((s) => reduceTell(s, event));
    } catch (error) {
      setState((s) => ({ ...s, phase: "failed", error: error instanceof Error ? error.message : String(error) }));
    }
  }, []);

  return { ...state, send };
}

/** A minimal chat with one team. */
export function TeamChat({ team = IRIS_TEAM }: { team?: string }) {
  const { phase, text, error, send } = useIrisTell(IRIS_URL, IRIS_API_KEY);
  const [message, setMessage] = useState("");

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (message.trim()) void send({ toTeam: team, message });
  };

  return (
    <section>
      <h2>Talk to {team}</h2>
      <form onSubmit={onSubmit}>
        <input value={message} onChange={(e) => setMessage(e.target.value)} placeholder="Ask something" />
        <button type="submit" disabled={phase === "connecting" || phase === "streaming"}>
          Send
        </button>
      </form>
      <p aria-live="polite">{phase}</p>
      <pre>{text}</pre>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}

export default TeamChat;
