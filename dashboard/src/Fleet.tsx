/** The Fleet page: every team with its caller → team sessions, health, and the team actions, kept live. */
import { memo, useEffect, useId, useMemo, useState } from "react";

import { unwrap } from "@iris/client";

import { useFleet, useHealth, useLive, usePending, useRendered, useRow, useTeamEntry, type Live } from "./live";
import { routeHash } from "./router";
import { useSigned } from "./session";
import type { SessionRow, TeamInfo } from "./store";
import { ColumnHeads, ConfirmDialog, Empty, ErrorNote, Money, useAction } from "./ui";
import "./fleet.css";

/** The API's caller when none is named. */
export const EXTERNAL = "external";

export function FleetPage() {
  const signed = useSigned();
  const { teamNames, loaded, error } = useFleet();
  const mayRead = signed.can("status:read");
  return (
    <div className="fleet">
      <h1>Fleet</h1>
      <HealthRegion />
      {!mayRead ? (
        <p className="muted">This key may not read the fleet&apos;s status (it lacks status:read).</p>
      ) : !loaded ? (
        <p className="muted">Loading teams…</p>
      ) : error !== undefined ? (
        <ErrorNote error={error} />
      ) : teamNames.length === 0 ? (
        <Empty>No teams are configured (or none is within this key&apos;s scope).</Empty>
      ) : (
        teamNames.map((name) => <TeamRegion key={name} name={name} teamNames={teamNames} />)
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------- health

function HealthRegion() {
  const health = useHealth();
  const pending = usePending();
  useRendered("health", health);
  return (
    <section className="card health" aria-label="Health">
      <h2>Health</h2>
      {health ? (
        <dl>
          <div>
            <dt>Processes</dt>
            <dd data-testid="processes">
              {health.totalProcesses ?? "?"} / {health.maxProcesses ?? "?"}
            </dd>
          </div>
          <div>
            <dt>Uptime</dt>
            <dd>
              <Uptime ms={health.uptime} at={health.at} />
            </dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>{health.status}</dd>
          </div>
          {health.queuedTells !== null ? (
            <div>
              <dt>Queued tells</dt>
              <dd>{health.queuedTells}</dd>
            </div>
          ) : null}
          <div>
            <dt>Pending permissions</dt>
            <dd>{pending.length}</dd>
          </div>
        </dl>
      ) : (
        <p className="muted">Unknown.</p>
      )}
    </section>
  );
}

function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}

/** A duration in ms as `1h 2m`, `3m 4s`, `5s`. */
export function duration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

function Uptime(props: { ms: number; at: number }) {
  const now = useNow(1000);
  return <span>{duration(props.ms + (now - props.at))}</span>;
}

// ---------------------------------------------------------------------------- teams

type Action = "wake" | "launch" | "sleep" | "force" | "reboot" | "delete";

const LABELS: Record<Action, string> = {
  wake: "Wake",
  launch: "Launch",
  sleep: "Sleep",
  force: "Force sleep",
  reboot: "Reboot",
  delete: "Delete",
};

const PERMISSION: Record<Action, string> = {
  wake: "team:wake",
  launch: "team:wake",
  sleep: "team:sleep",
  force: "team:sleep",
  reboot: "team:clear",
  delete: "team:clear",
};

const DESTRUCTIVE: ReadonlySet<Action> = new Set<Action>(["force", "reboot", "delete"]);

const CONFIRM_TEXT: Record<Action, string> = {
  wake: "",
  launch: "",
  sleep: "",
  force: "The running tell (if any) is cancelled and the process stopped.",
  reboot: "The session is deleted and a fresh one takes its place; its history is lost.",
  delete: "The session, its transcript and its tell records are deleted.",
};

const TeamRegion = memo(function TeamRegion(props: { name: string; teamNames: readonly string[] }) {
  const { name } = props;
  const live = useLive();
  const signed = useSigned();
  const entry = useTeamEntry(name);
  const [caller, setCaller] = useState(EXTERNAL);
  const { busy, error, done, run: runAction } = useAction<Action>();
  const [confirming, setConfirming] = useState<Action | null>(null);
  const callerId = useId();
  useRendered(`team:${name}`, entry);

  const inScope = signed.canTeam(name);
  const actions = (Object.keys(LABELS) as Action[]).filter((action) => inScope && signed.can(PERMISSION[action]));
  const callers = useMemo(
    () => [EXTERNAL, ...props.teamNames.filter((team) => signed.canTeam(team))],
    [props.teamNames, signed],
  );
  if (!entry) return null;
  const { info, sessionIds, truncated } = entry;

  const run = async (action: Action) => {
    setConfirming(null);
    await runAction(action, () => perform(live, info, caller, action));
  };
  const ask = (action: Action) => {
    if (DESTRUCTIVE.has(action)) setConfirming(action);
    else void run(action);
  };
  const hasExternal = sessionIds.some((id) => live.fleet.row(id)?.fromTeam === EXTERNAL);

  return (
    <section className="card team" aria-label={name} style={info.color ? { borderLeftColor: info.color } : undefined}>
      <div className="team-head">
        <h2>{name}</h2>
        {info.description ? <p className="muted description">{info.description}</p> : null}
      </div>
      {actions.length > 0 ? (
        <div className="team-actions">
          <label htmlFor={callerId} className="caller">
            Caller
          </label>
          <select id={callerId} value={caller} onChange={(event) => setCaller(event.target.value)}>
            {callers.map((team) => (
              <option key={team} value={team}>
                {team}
              </option>
            ))}
          </select>
          {actions.map((action) => (
            <button
              key={action}
              type="button"
              className={DESTRUCTIVE.has(action) ? "danger-outline" : undefined}
              disabled={busy !== null}
              onClick={() => ask(action)}
            >
              {LABELS[action]}
            </button>
          ))}
        </div>
      ) : null}
      <ErrorNote error={error} />
      <p className="done muted" role="status">
        {done}
      </p>
      {sessionIds.length > 0 ? (
        <div
          className="table-wrap"
          {...(signed.can("cache:read") ? {} : { tabIndex: 0, role: "group", "aria-label": `Sessions of ${name}` })}
        >
          <table>
            <ColumnHeads
              columns={["Caller", "State", "PID", "Queue", "Idle left", "Messages", "Cost"]}
              hidden="Conversation"
            />
            <tbody>
              {sessionIds.map((id) => (
                <SessionRowView key={id} sessionId={id} canOpen={signed.can("cache:read")} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>No sessions yet.</Empty>
      )}
      {truncated ? (
        <p className="muted">
          {name} has more sessions: the {sessionIds.length} live or most recently active are shown.
        </p>
      ) : null}
      {!hasExternal && signed.can("cache:read") ? (
        <p className="new-conversation">
          <a href={routeHash({ page: "conversation", team: name, caller: EXTERNAL })}>New conversation with {name}</a>
        </p>
      ) : null}
      <ConfirmDialog
        open={confirming !== null}
        title={confirming ? `${LABELS[confirming]} ${name} (caller ${caller})?` : ""}
        confirmLabel="Confirm"
        onConfirm={() => confirming && void run(confirming)}
        onCancel={() => setConfirming(null)}
      >
        <p>{confirming ? CONFIRM_TEXT[confirming] : ""}</p>
      </ConfirmDialog>
    </section>
  );
});

/** Run a team action for `caller`, apply its answer to the fleet, and say what happened. */
async function perform(live: Live, info: TeamInfo, caller: string, action: Action): Promise<string> {
  const { client } = live.signed;
  const team = info.name;
  const path = { team };
  const fleet = live.fleet;
  const now = Date.now();
  const existing = fleet.pair(team, caller);
  const base = (sessionId: string): SessionRow =>
    fleet.row(sessionId) ?? {
      sessionId,
      team,
      fromTeam: caller,
      forkedFrom: null,
      pid: null,
      state: "stopped",
      messageCount: 0,
      queueLength: 0,
      idleDeadline: null,
      lastActivity: null,
      costUsd: 0,
      error: null,
    };
  switch (action) {
    case "wake": {
      const answer = unwrap(
        await client.POST("/api/teams/{team}/wake", { params: { path }, body: { fromTeam: caller } }),
      );
      const row = base(answer.sessionId);
      fleet.upsert(info, {
        ...row,
        pid: answer.pid,
        state: answer.state,
        idleDeadline: answer.state === "idle" ? now + info.idleTimeout : row.idleDeadline,
        error: null,
      });
      live.followSessions();
      return `${caller} → ${team} ${answer.status === "already_awake" ? "was already awake" : "is awake"}.`;
    }
    case "launch": {
      const answer = unwrap(
        await client.POST("/api/teams/{team}/launch", { params: { path }, body: { fromTeam: caller } }),
      );
      const row = base(answer.sessionId);
      fleet.upsert(info, {
        ...row,
        pid: answer.pid ?? row.pid,
        state: answer.pid === null && row.state === "stopped" ? "spawning" : row.state,
        error: null,
      });
      live.followSessions();
      return `${caller} → ${team} ${answer.status === "already_awake" ? "was already awake" : "is waking up"}.`;
    }
    case "sleep":
    case "force": {
      const answer = unwrap(
        await client.POST("/api/teams/{team}/sleep", {
          params: { path },
          body: action === "force" ? { fromTeam: caller, force: true } : { fromTeam: caller },
        }),
      );
      if (answer.sessionId) fleet.patch(answer.sessionId, { pid: null, state: "stopped", idleDeadline: null });
      return `${caller} → ${team} ${answer.status === "already_asleep" ? "was already asleep" : "is asleep"}.`;
    }
    case "reboot": {
      const answer = unwrap(
        await client.DELETE("/api/teams/{team}/reboot", { params: { path, query: { fromTeam: caller } } }),
      );
      if (answer.oldSessionId) fleet.removeRow(answer.oldSessionId);
      else if (existing) fleet.removeRow(existing.sessionId);
      fleet.upsert(info, base(answer.newSessionId));
      live.followSessions();
      return `${caller} → ${team} was rebooted: it has a new session.`;
    }
    case "delete": {
      const answer = unwrap(
        await client.DELETE("/api/teams/{team}/delete", { params: { path, query: { fromTeam: caller } } }),
      );
      fleet.removeRow(answer.sessionId);
      live.followSessions();
      return answer.deleted ? `The session of ${caller} → ${team} was deleted.` : "There was no session to delete.";
    }
  }
}

// ---------------------------------------------------------------------------- rows

const SessionRowView = memo(function SessionRowView(props: { sessionId: string; canOpen: boolean }) {
  const row = useRow(props.sessionId);
  useRendered(props.sessionId, row);
  if (!row) return null;
  return (
    <tr data-state={row.state} data-session={row.sessionId}>
      <td>
        {row.fromTeam}
        {row.forkedFrom ? <span className="muted"> (fork)</span> : null}
      </td>
      <td>
        <span className={`state state-${row.state}`}>{row.state}</span>
        {row.error ? <span className="row-error"> {row.error}</span> : null}
      </td>
      <td>{row.pid ?? "—"}</td>
      <td>{row.queueLength}</td>
      <td>
        <IdleLeft deadline={row.idleDeadline} />
      </td>
      <td>{row.messageCount}</td>
      <td>
        <Money value={row.costUsd} />
      </td>
      <td>
        {props.canOpen ? (
          <a
            href={routeHash({ page: "conversation", team: row.team, caller: row.fromTeam })}
            title={`Open the conversation of ${row.fromTeam} → ${row.team}`}
          >
            Open
          </a>
        ) : null}
      </td>
    </tr>
  );
});

function IdleLeft(props: { deadline: number | null }) {
  const now = useNow(1000, props.deadline !== null);
  if (props.deadline === null) return <span className="muted">—</span>;
  return <span>{duration(props.deadline - now)}</span>;
}

