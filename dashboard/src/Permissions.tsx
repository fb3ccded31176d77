/** The permission pop-up: pending tool permissions, wherever the person is, with a countdown to auto-deny. */
import { useEffect, useId, useRef, useState } from "react";

import { IrisApiError, unwrap } from "@iris/client";

import { useLive, usePending, useRendered } from "./live";
import { useSigned } from "./session";
import type { PendingPermission } from "./store";
import { ErrorNote } from "./ui";
import "./permissions.css";

/** How long an expired request stays shown (auto-denied) when no `permission:resolved` arrives. */
const EXPIRED_GRACE_MS = 3000;

export function PermissionPopup() {
  const pending = usePending();
  const [chosen, setChosen] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const shown = pending.length > 0;
  useRendered("pending", pending);

  useEffect(() => {
    // Bring a new pop-up to the person's attention unless they are typing somewhere.
    if (!shown) return;
    const active = document.activeElement;
    const typing = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement;
    if (!typing && !ref.current?.contains(active)) ref.current?.focus();
  }, [shown]);

  if (!shown) return null;
  let index = pending.findIndex((p) => p.permissionId === chosen);
  if (index < 0) index = 0;
  const permission = pending[index]!;
  const titleId = "permission-title";
  return (
    <div
      ref={ref}
      className="permission-popup"
      role="alertdialog"
      aria-label="Permission request"
      aria-describedby={`${titleId}-what`}
      tabIndex={-1}
    >
      <div className="permission-head">
        <h2 id={titleId}>Permission request</h2>
        <span className="muted" data-testid="permission-position">
          {index + 1} of {pending.length}
        </span>
      </div>
      <PermissionCard key={permission.permissionId} permission={permission} describedBy={`${titleId}-what`} />
      {pending.length > 1 ? (
        <div className="buttons">
          <button
            type="button"
            disabled={index === 0}
            onClick={() => setChosen(pending[index - 1]?.permissionId ?? null)}
          >
            Previous
          </button>
          <button
            type="button"
            disabled={index === pending.length - 1}
            onClick={() => setChosen(pending[index + 1]?.permissionId ?? null)}
          >
            Next
          </button>
        </div>
      ) : null}
    </div>
  );
}

function secondsLeft(expiresAt: string, now: number): number {
  const at = Date.parse(expiresAt);
  if (Number.isNaN(at)) return 0;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function PermissionCard(props: { permission: PendingPermission; describedBy: string }) {
  const { permission } = props;
  const live = useLive();
  const signed = useSigned();
  const [now, setNow] = useState(() => Date.now());
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const reasonId = useId();
  const left = secondsLeft(permission.expiresAt, now);

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (left > 0) return undefined;
    const timer = setTimeout(() => live.fleet.dropPending(permission.permissionId), EXPIRED_GRACE_MS);
    return () => clearTimeout(timer);
  }, [left, live, permission.permissionId]);

  const mayDecide = signed.can("team:tell") && signed.canTeam(permission.team);

  const decide = async (decision: "approve" | "deny") => {
    setBusy(true);
    setError(undefined);
    try {
      const trimmed = reason.trim();
      unwrap(
        await signed.client.POST("/api/permissions/{permissionId}", {
          params: { path: { permissionId: permission.permissionId } },
          body: trimmed ? { decision, reason: trimmed } : { decision },
        }),
      );
      live.fleet.dropPending(permission.permissionId);
    } catch (failure) {
      setBusy(false);
      setError(failure);
      if (failure instanceof IrisApiError && (failure.status === 404 || failure.status === 409)) {
        // decided already (or expired): it goes once the person has read why
        setTimeout(() => live.fleet.dropPending(permission.permissionId), EXPIRED_GRACE_MS);
      }
    }
  };
  return (
    <div className="permission-card">
      <p id={props.describedBy}>
        <strong>{permission.fromTeam}</strong> → <strong>{permission.team}</strong> wants to use{" "}
        <code data-testid="permission-tool">{permission.toolName}</code>
      </p>
      <dl>
        <div>
          <dt>Tool</dt>
          <dd>{permission.toolName}</dd>
        </div>
        <div>
          <dt>Team</dt>
          <dd data-testid="permission-team">{permission.team}</dd>
        </div>
        <div>
          <dt>Auto-deny in</dt>
          <dd>
            <span data-testid="countdown" aria-live="off">
              {left}
            </span>{" "}
            s
          </dd>
        </div>
      </dl>
      <details open>
        <summary>Input</summary>
        <pre data-testid="permission-input">{JSON.stringify(permission.toolInput, null, 2)}</pre>
      </details>
      {left === 0 ? <p className="muted">Timed out: denied automatically.</p> : null}
      {mayDecide ? (
        <>
          <label htmlFor={reasonId}>Reason</label>
          <input
            id={reasonId}
            type="text"
            value={reason}
            maxLength={2000}
            onChange={(event) => setReason(event.target.value)}
            placeholder="Optional; Claude Code is told it when denied"
          />
          <ErrorNote error={error} />
          <div className="buttons">
            <button
              type="button"
              className="primary"
              disabled={busy || left === 0}
              onClick={() => void decide("approve")}
            >
              Approve
            </button>
            <button type="button" className="danger" disabled={busy || left === 0} onClick={() => void decide("deny")}>
              Deny
            </button>
          </div>
        </>
      ) : (
        <p className="muted">This key may not decide permissions of {permission.team}.</p>
      )}
    </div>
  );
}
