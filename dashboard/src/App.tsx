/** The app shell: sign-in, the header (key name, Main nav, Sign out), hash routes and the permission pop-up. */
import { lazy, Suspense, useEffect } from "react";

import { FleetPage } from "./Fleet";
import { useReconnecting } from "./live";
import { PermissionPopup } from "./Permissions";
import { parseRoute, useHash, type Route } from "./router";
import { SessionRoot, useSigned } from "./session";

const ConversationPage = lazy(() => import("./pages/Conversation").then((m) => ({ default: m.ConversationPage })));
const LogsPage = lazy(() => import("./pages/Logs").then((m) => ({ default: m.LogsPage })));
const AuditPage = lazy(() => import("./pages/Audit").then((m) => ({ default: m.AuditPage })));
const KeysPage = lazy(() => import("./pages/Keys").then((m) => ({ default: m.KeysPage })));

export function App() {
  return (
    <SessionRoot>
      <Shell />
    </SessionRoot>
  );
}

/** The permission `getLogs` needs. */
const LOGS_PERMISSION = "debug:read";

function Shell() {
  const signed = useSigned();
  const route = parseRoute(useHash());
  const reconnecting = useReconnecting();
  const allowed = pageAllowed(route, signed.can);
  useEffect(() => {
    document.title = `Iris · ${titleOf(route)}`;
  }, [route]);
  return (
    <>
      <a className="skip" href="#main" onClick={(event) => skipToMain(event)}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Iris</span>
        <nav aria-label="Main">
          <ul>
            <NavLink route={route} page="fleet" label="Fleet" />
            {signed.can(LOGS_PERMISSION) ? <NavLink route={route} page="logs" label="Logs" /> : null}
            {signed.can("admin") ? <NavLink route={route} page="audit" label="Audit" /> : null}
            {signed.can("admin") ? <NavLink route={route} page="keys" label="Keys" /> : null}
          </ul>
        </nav>
        <span className="who" title="The signed-in key">
          <span className="visually-hidden">Signed in as </span>
          <span data-testid="key-name">{signed.me.name ?? "no key"}</span>
        </span>
        <button type="button" onClick={() => signed.signOut()}>
          Sign out
        </button>
      </header>
      {reconnecting ? (
        <p className="reconnecting" role="status" data-testid="reconnecting">
          Reconnecting…
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          {allowed ? <Page route={route} /> : <p role="alert">This key may not open this page.</p>}
        </Suspense>
      </main>
      <PermissionPopup />
    </>
  );
}

function skipToMain(event: React.MouseEvent): void {
  event.preventDefault();
  document.getElementById("main")?.focus();
}

function NavLink(props: { route: Route; page: Route["page"]; label: string }) {
  const current = props.route.page === props.page || (props.page === "fleet" && props.route.page === "conversation");
  return (
    <li>
      <a href={`#/${props.page}`} aria-current={current ? "page" : undefined}>
        {props.label}
      </a>
    </li>
  );
}

function pageAllowed(route: Route, can: (permission: string) => boolean): boolean {
  switch (route.page) {
    case "logs":
      return can(LOGS_PERMISSION);
    case "audit":
    case "keys":
      return can("admin");
    default:
      return true;
  }
}

function titleOf(route: Route): string {
  switch (route.page) {
    case "conversation":
      return `${route.team} (${route.caller})`;
    case "fleet":
      return "Fleet";
    case "logs":
      return "Logs";
    case "audit":
      return "Audit";
    case "keys":
      return "Keys";
  }
}

function Page(props: { route: Route }) {
  const route = props.route;
  switch (route.page) {
    case "fleet":
      return <FleetPage />;
    case "conversation":
      return <ConversationPage key={`${route.team}/${route.caller}`} team={route.team} caller={route.caller} />;
    case "logs":
      return <LogsPage />;
    case "audit":
      return <AuditPage />;
    case "keys":
      return <KeysPage />;
  }
}
