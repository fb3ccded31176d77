/** The Keys page (admin): create a key (shown once, with Copy), list the keys, revoke one after confirming. */
import { useCallback, useId, useRef, useState, type FormEvent } from "react";

import { unwrap, type Schemas } from "@iris/client";

import { usePaged } from "../paging";
import { useSigned } from "../session";
import { ColumnHeads, ConfirmDialog, Empty, ErrorNote, RelativeTime, useAction } from "../ui";
import "./Keys.css";

type ApiKey = Schemas["ApiKey"];
type CreatedApiKey = Schemas["CreatedApiKey"];
type KeyRole = Schemas["KeyRole"];
type CreateKeyRequest = Schemas["CreateKeyRequest"];

/** Every role, narrowest first (typed by the contract: one missing or unknown here fails to compile). */
const ROLES: Record<KeyRole, string> = {
  viewer: "viewer: status:read, cache:read",
  operator: "operator: viewer + team:tell, team:wake",
  developer: "developer: operator + team:sleep, team:clear, debug:read",
  admin: "admin: every permission",
};
const PAGE_SIZE = 50;
const DAY_MS = 86_400_000;
const MAX_DAYS = 3650;
/** The contract's key name: letters, digits, spaces and `_.@-`, not spaces alone, nothing like a key. */
const NAME = /^[A-Za-z0-9_.@ -]*[A-Za-z0-9_.@-][A-Za-z0-9_.@ -]*$/;
const LOOKS_LIKE_KEY = /iris_sk_/i;
/** The contract's team name. */
const TEAM = /^[A-Za-z0-9_@][A-Za-z0-9_.@-]{0,63}$/;

type Shown = "all" | "active" | "inactive";

const keyId = (key: ApiKey) => key.id;

export function KeysPage() {
  const { client, me } = useSigned();
  const [shown, setShown] = useState<Shown>("all");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revocation = useAction<"revoke">();
  const showId = useId();

  const fetchPage = useCallback(
    async (cursor?: string) =>
      unwrap(
        await client.GET("/api/keys", {
          params: {
            query: {
              limit: PAGE_SIZE,
              ...(shown === "all" ? {} : { active: shown === "active" }),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
    [client, shown],
  );

  const { items: keys, setItems: setKeys, nextCursor, loaded, loadingOlder, error, loadOlder } = usePaged(
    fetchPage,
    keyId,
  );

  const onCreated = (key: CreatedApiKey) => {
    setCreated(key);
    if (shown === "inactive") return;
    const { key: _plain, ...record } = key;
    void _plain;
    const row: ApiKey = { ...record, revokedAt: null, lastUsedAt: null, usageCount: 0, active: true };
    setKeys((before) => [row, ...before.filter((existing) => existing.id !== row.id)]);
  };

  const revoke = async (key: ApiKey) => {
    setRevoking(null);
    await revocation.run("revoke", async () => {
      const record = unwrap(await client.DELETE("/api/keys/{keyId}", { params: { path: { keyId: key.id } } }));
      setKeys((before) =>
        shown === "active"
          ? before.filter((existing) => existing.id !== record.id)
          : before.map((existing) => (existing.id === record.id ? record : existing)),
      );
    });
  };

  return (
    <section className="keys" aria-labelledby="keys-title">
      <h1 id="keys-title">Keys</h1>
      <CreateKeyForm scope={me.teams ?? null} onCreated={onCreated} />
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}

      <section aria-labelledby="keys-list-title" className="keys-list">
        <h2 id="keys-list-title">All keys</h2>
        <div className="keys-show">
          <label htmlFor={showId}>Show</label>
          <select id={showId} value={shown} onChange={(event) => setShown(event.target.value as Shown)}>
            <option value="all">All keys</option>
            <option value="active">Usable keys</option>
            <option value="inactive">Revoked or expired keys</option>
          </select>
        </div>
        <ErrorNote error={error} />
        <ErrorNote error={revocation.error} />
        {!loaded ? <p className="muted">Loading…</p> : null}
        {loaded && keys.length === 0 && error === undefined ? <Empty>No keys.</Empty> : null}
        {keys.length > 0 ? (
          <table className="keys-table card-table">
            <caption className="visually-hidden">API keys, newest first</caption>
            <ColumnHeads
              columns={["Name", "Id", "Role", "Teams", "Created", "Expires", "Last used", "Uses", "State"]}
              hidden="Actions"
            />
            <tbody>
              {keys.map((key) => (
                <KeyRow key={key.id} apiKey={key} own={key.id === me.id} onRevoke={() => setRevoking(key)} />
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

      <ConfirmDialog
        open={revoking !== null}
        title={revoking ? `Revoke the key ${revoking.name}?` : "Revoke the key?"}
        onConfirm={() => {
          if (revoking) void revoke(revoking);
        }}
        onCancel={() => setRevoking(null)}
      >
        <p>It stops working on its next request. This cannot be undone.</p>
        {revoking && revoking.id === me.id ? (
          <p className="alert">This is the key you are signed in with: you will be signed out.</p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}

/** The form: Name, Role, Teams (comma-separated, empty: all), Expires (a day, optional), Create. */
function CreateKeyForm(props: { scope: readonly string[] | null; onCreated: (key: CreatedApiKey) => void }) {
  const { client } = useSigned();
  const [name, setName] = useState("");
  const [role, setRole] = useState<KeyRole>("viewer");
  const [teams, setTeams] = useState("");
  const [expires, setExpires] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const creation = useAction<"create">();
  const id = useId();
  const scope = props.scope;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    creation.clear();
    const body = requestOf({ name, role, teams, expires }, scope);
    if (typeof body === "string") {
      setProblem(body);
      return;
    }
    setProblem(null);
    await creation.run("create", async () => {
      const key = unwrap(await client.POST("/api/keys", { body }));
      props.onCreated(key);
      setName("");
      setTeams("");
      setExpires("");
    });
  };
  const busy = creation.busy !== null;

  return (
    <form className="keys-create card" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Create key</h2>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          required
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>Role</label>
        <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as KeyRole)}>
          {(Object.keys(ROLES) as KeyRole[]).map((value) => (
            <option key={value} value={value}>
              {ROLES[value]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-teams`}>Teams</label>
        <input
          id={`${id}-teams`}
          value={teams}
          onChange={(event) => setTeams(event.target.value)}
          aria-describedby={`${id}-teams-hint`}
          autoComplete="off"
          spellCheck={false}
          required={scope !== null}
        />
        <p id={`${id}-teams-hint`} className="muted hint">
          {scope === null
            ? "Comma-separated; empty for every team."
            : `Comma-separated, among this key's teams: ${scope.join(", ")}.`}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-expires`}>Expires</label>
        <input
          id={`${id}-expires`}
          type="date"
          value={expires}
          min={dayInput(Date.now() + DAY_MS)}
          max={dayInput(Date.now() + MAX_DAYS * DAY_MS)}
          onChange={(event) => setExpires(event.target.value)}
          aria-describedby={`${id}-expires-hint`}
        />
        <p id={`${id}-expires-hint`} className="muted hint">
          Optional; empty for a key that never expires.
        </p>
      </div>
      {problem ? (
        <p role="alert" className="alert">
          {problem}
        </p>
      ) : null}
      <ErrorNote error={creation.error} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Creating…" : "Create"}
        </button>
      </div>
    </form>
  );
}

/** A day as a date input's value (`YYYY-MM-DD`, local time). */
function dayInput(ms: number): string {
  const at = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

/** The request for the form's values, or what is wrong with them (checked here, so no request is refused). */
function requestOf(
  form: { name: string; role: KeyRole; teams: string; expires: string },
  scope: readonly string[] | null,
): CreateKeyRequest | string {
  const name = form.name.trim();
  if (!name) return "Name: give the key a name.";
  if (!NAME.test(name)) return "Name: letters, digits, spaces and _ . @ - only.";
  if (LOOKS_LIKE_KEY.test(name)) return "Name: must not look like a key.";
  const teams = [
    ...new Set(
      form.teams
        .split(",")
        .map((team) => team.trim())
        .filter(Boolean),
    ),
  ];
  const bad = teams.find((team) => !TEAM.test(team));
  if (bad !== undefined) return `Teams: "${bad}" is not a team name.`;
  if (teams.length > 256) return "Teams: at most 256.";
  if (scope !== null) {
    if (teams.length === 0) return `Teams: this key reaches only ${scope.join(", ")}; name one or more of them.`;
    const outside = teams.find((team) => !scope.includes(team));
    if (outside !== undefined) return `Teams: ${outside} is outside this key's teams (${scope.join(", ")}).`;
  }
  const body: CreateKeyRequest = { name, role: form.role };
  if (teams.length > 0) body.teams = teams;
  if (form.expires) {
    const day = Date.parse(`${form.expires}T00:00:00`);
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const days = Math.round((day - today.getTime()) / DAY_MS);
    if (Number.isNaN(days)) return "Expires: not a valid day.";
    if (days < 1) return "Expires: pick a day after today.";
    if (days > MAX_DAYS) return `Expires: at most ${MAX_DAYS} days from today.`;
    body.expiresInDays = days;
  }
  return body;
}

/** The new key, shown this once, with Copy. */
function NewKey(props: { created: CreatedApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const code = useRef<HTMLElement>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.created.key);
      setCopied("Copied.");
    } catch {
      const node = code.current;
      if (node) {
        const range = document.createRange();
        range.selectNodeContents(node);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
      setCopied("Selected: press Ctrl+C to copy.");
    }
  };
  return (
    <div className="keys-new card" role="status">
      <p>
        The key <strong>{props.created.name}</strong> was created. Copy it now: it is not shown again.
      </p>
      <code ref={code} className="keys-plain" data-testid="new-key">
        {props.created.key}
      </code>
      <div className="buttons">
        <button type="button" className="primary" onClick={() => void copy()} autoFocus>
          Copy
        </button>
        <button type="button" onClick={props.onDone}>
          Done
        </button>
        {copied ? <span className="muted">{copied}</span> : null}
      </div>
    </div>
  );
}

/** One key: its facts and, while it is usable, a Revoke button. */
function KeyRow(props: { apiKey: ApiKey; own: boolean; onRevoke: () => void }) {
  const k = props.apiKey;
  const state = k.revokedAt ? "revoked" : k.active ? "active" : "expired";
  return (
    <tr data-key-id={k.id} data-state={state}>
      <td data-label="Name">
        {k.name}
        {props.own ? <span className="muted"> (this key)</span> : null}
      </td>
      <td data-label="Id" className="mono">
        {k.id}
      </td>
      <td data-label="Role">{k.role ?? <span title={k.permissions.join(", ")}>custom</span>}</td>
      <td data-label="Teams">{k.teams ? k.teams.join(", ") : <span className="muted">all</span>}</td>
      <td data-label="Created">
        <RelativeTime value={k.createdAt} />
      </td>
      <td data-label="Expires">
        {k.expiresAt ? <RelativeTime value={k.expiresAt} /> : <span className="muted">never</span>}
      </td>
      <td data-label="Last used">
        <RelativeTime value={k.lastUsedAt} />
      </td>
      <td data-label="Uses">{k.usageCount}</td>
      <td data-label="State">{state}</td>
      <td data-label="Actions">
        {k.active ? (
          <button type="button" className="danger" aria-label={`Revoke ${k.name}`} onClick={props.onRevoke}>
            Revoke
          </button>
        ) : null}
      </td>
    </tr>
  );
}
