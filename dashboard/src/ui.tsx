/** Small shared pieces of the dashboard: ConfirmDialog, ErrorNote, useAction, ColumnHeads, RelativeTime, Money, Empty. */
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from "react";

import { errorMessage } from "./session";

/** A modal `<dialog>` asking to confirm an action, with buttons "Confirm" and "Cancel". */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
      <div className="buttons">
        <button type="button" className="danger" onClick={props.onConfirm}>
          {props.confirmLabel ?? "Confirm"}
        </button>
        <button type="button" onClick={props.onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

/** The contract's `message` of a failed request (nothing when there is no error). */
export function ErrorNote(props: { error: unknown }) {
  if (props.error === undefined || props.error === null) return null;
  return (
    <p role="alert" className="alert">
      {errorMessage(props.error)}
    </p>
  );
}

/** An action the user starts: which one is running (`busy`), its failure (for ErrorNote) and what it said when done. */
export function useAction<Name>() {
  const [busy, setBusy] = useState<Name | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState("");
  /** Forget the last failure and what was said. */
  const clear = useCallback(() => {
    setError(undefined);
    setDone("");
  }, []);
  /** Run `act` as `name`: busy until it settles; then what it returned, or its failure. */
  const run = useCallback(
    async (name: Name, act: () => Promise<string | void>) => {
      setBusy(name);
      clear();
      try {
        const said = await act();
        if (typeof said === "string") setDone(said);
      } catch (failure) {
        setError(failure);
      } finally {
        setBusy(null);
      }
    },
    [clear],
  );
  return { busy, error, done, clear, run };
}

/** A table's `<thead>`: a column header for each of `columns`, then one for `hidden`, read by screen readers only. */
export function ColumnHeads(props: { columns: readonly string[]; hidden?: string }) {
  return (
    <thead>
      <tr>
        {props.columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {props.hidden !== undefined ? (
          <th scope="col">
            <span className="visually-hidden">{props.hidden}</span>
          </th>
        ) : null}
      </tr>
    </thead>
  );
}

function relative(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const abs = Math.abs(seconds);
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (abs < 60) return format.format(seconds, "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86400), "day");
}

/** A date as "3 minutes ago" (re-rendered every 30 s), with the exact time in a `<time>` element. */
export function RelativeTime(props: { value: string | null | undefined }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!props.value) return <span className="muted">—</span>;
  const at = Date.parse(props.value);
  if (Number.isNaN(at)) return <span>{props.value}</span>;
  return (
    <time dateTime={props.value} title={new Date(at).toLocaleString()}>
      {relative(at - now)}
    </time>
  );
}

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 4 });

/** An amount in US dollars. */
export function Money(props: { value: number | null | undefined }) {
  if (props.value === null || props.value === undefined) return <span className="muted">—</span>;
  return <span>{usd.format(props.value)}</span>;
}

/** A muted "nothing here" note. */
export function Empty(props: { children?: ReactNode }) {
  return <p className="empty muted">{props.children ?? "Nothing here yet."}</p>;
}
