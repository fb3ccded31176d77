/** The Audit page (admin): the audit log as a table, filtered by event, key and time, paged to older entries. */
import { useCallback, useId, useState, type FormEvent } from "react";

import { unwrap, type Schemas } from "@iris/client";

import { usePaged } from "../paging";
import { useSigned } from "../session";
import { ColumnHeads, Empty, ErrorNote, RelativeTime } from "../ui";
import "./Audit.css";

type AuditEntry = Schemas["AuditEntry"];
type AuditEventType = Schemas["AuditEventType"];

/** Every audit event type (typed by the contract: one missing or unknown here fails to compile). */
const EVENTS: Record<AuditEventType, string> = {
  auth_success: "Authentication succeeded",
  auth_failure: "Authentication failed",
  forbidden: "Forbidden",
  rate_limited: "Rate limited",
  key_created: "Key created",
  key_revoked: "Key revoked",
  tell: "Tell",
  cancel: "Cancel",
  reboot: "Reboot",
  delete: "Delete",
  fork: "Fork",
  wake: "Wake",
  launch: "Launch",
  sleep: "Sleep",
  wake_all: "Wake all",
  compact: "Compact",
  cache_clear: "Cache clear",
  permission_decision: "Permission decision",
  webhook_created: "Webhook created",
  webhook_deleted: "Webhook deleted",
  webhook_redelivered: "Webhook redelivered",
};
const PAGE_SIZE = 50;
/** The contract's `KeyId` form. */
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface Filters {
  event: AuditEventType | "";
  keyId: string;
  /** RFC 3339, or empty. */
  since: string;
}

const NO_FILTERS: Filters = { event: "", keyId: "", since: "" };

const entryId = (entry: AuditEntry) => String(entry.id);

export function AuditPage() {
  const { client } = useSigned();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const fetchPage = useCallback(
    async (cursor?: string) =>
      unwrap(
        await client.GET("/api/audit", {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(filters.event ? { event: filters.event } : {}),
              ...(filters.keyId ? { keyId: filters.keyId } : {}),
              ...(filters.since ? { since: filters.since } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [client, filters],
  );

  const { items: entries, nextCursor, loaded, loadingOlder, error, loadOlder } = usePaged(fetchPage, entryId);

  return (
    <section className="audit" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <AuditFilters value={filters} onApply={setFilters} />
      <ErrorNote error={error} />
      {!loaded ? <p className="muted">Loading…</p> : null}
      {loaded && entries.length === 0 && error === undefined ? <Empty>No audit entries.</Empty> : null}
      {entries.length > 0 ? (
        <table className="audit-table card-table">
          <caption className="visually-hidden">Audit entries, newest first</caption>
          <ColumnHeads columns={["Time", "Event", "Key", "Pair", "Request", "Status", "Details"]} />
          <tbody>
            {entries.map((entry) => (
              <AuditRow key={entry.id} entry={entry} />
            ))}
          </tbody>
        </table>
      ) : null}
      {nextCursor ? (
        <button type="button" onClick={() => void loadOlder()} disabled={loadingOlder}>
          {loadingOlder ? "Loading…" : "Older"}
        </button>
      ) : null}
    </section>
  );
}

/** The filters the API offers: event type, key id, and since a time. */
function AuditFilters(props: { value: Filters; onApply: (filters: Filters) => void }) {
  const [event, setEvent] = useState<AuditEventType | "">(props.value.event);
  const [keyId, setKeyId] = useState(props.value.keyId);
  const [since, setSince] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();

  const submit = (formEvent: FormEvent) => {
    formEvent.preventDefault();
    const key = keyId.trim();
    if (key && !KEY_ID.test(key)) {
      setProblem("Key id: letters, digits, _ and - only (at most 64).");
      return;
    }
    let sinceIso = "";
    if (since) {
      const at = new Date(since);
      if (Number.isNaN(at.getTime())) {
        setProblem("Since: not a valid date and time.");
        return;
      }
      sinceIso = at.toISOString();
    }
    setProblem(null);
    props.onApply({ event, keyId: key, since: sinceIso });
  };

  const clear = () => {
    setEvent("");
    setKeyId("");
    setSince("");
    setProblem(null);
    props.onApply(NO_FILTERS);
  };

  return (
    <form className="audit-filters" onSubmit={submit} aria-label="Filters">
      <div className="field">
        <label htmlFor={`${id}-event`}>Event</label>
        <select id={`${id}-event`} value={event} onChange={(e) => setEvent(e.target.value as AuditEventType | "")}>
          <option value="">All events</option>
          {(Object.keys(EVENTS) as AuditEventType[]).map((name) => (
            <option key={name} value={name}>
              {EVENTS[name]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-key`}>Key id</label>
        <input
          id={`${id}-key`}
          value={keyId}
          onChange={(e) => setKeyId(e.target.value)}
          spellCheck={false}
          autoComplete="off"
          maxLength={64}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-since`}>Since</label>
        <input id={`${id}-since`} type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      <div className="buttons">
        <button type="submit" className="primary">
          Apply
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
      {problem ? (
        <p role="alert" className="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

/** One audit entry. */
function AuditRow(props: { entry: AuditEntry }) {
  const e = props.entry;
  const details = e.details && Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : "";
  return (
    <tr data-event={e.event}>
      <td data-label="Time">
        <RelativeTime value={e.timestamp} />
      </td>
      <td data-label="Event">{EVENTS[e.event] ?? e.event}</td>
      <td data-label="Key">
        {e.keyName ?? <span className="muted">—</span>}
        {e.keyId ? <span className="mono muted"> {e.keyId}</span> : null}
      </td>
      <td data-label="Pair">{e.team ? `${e.fromTeam ?? "external"} → ${e.team}` : <span className="muted">—</span>}</td>
      <td data-label="Request" className="mono">
        {e.method || e.path ? `${e.method ?? ""} ${e.path ?? ""}`.trim() : <span className="muted">—</span>}
      </td>
      <td data-label="Status">
        {e.statusCode ?? "—"}
        {e.error ? <span className="muted"> {e.error}</span> : null}
      </td>
      <td data-label="Details" className="mono audit-details">
        {details || <span className="muted">—</span>}
      </td>
    </tr>
  );
}
