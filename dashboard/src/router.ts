/** Hash routes of the dashboard: `#/fleet`, `#/conversation/<team>/<caller>`, `#/logs`, `#/audit`, `#/keys`. */
import { useSyncExternalStore } from "react";

export type Route =
  | { page: "fleet" }
  | { page: "conversation"; team: string; caller: string }
  | { page: "logs" }
  | { page: "audit" }
  | { page: "keys" };

/** The route of a location hash (unknown hashes are the fleet). */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").map(decodePart);
  switch (parts[0]) {
    case "conversation":
      if (!parts[1]) return { page: "fleet" };
      // No caller (or `-`): the API's default caller.
      return { page: "conversation", team: parts[1], caller: parts[2] && parts[2] !== "-" ? parts[2] : "external" };
    case "logs":
      return { page: "logs" };
    case "audit":
      return { page: "audit" };
    case "keys":
      return { page: "keys" };
    default:
      return { page: "fleet" };
  }
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The hash of a route, e.g. `#/conversation/alpha/-`. */
export function routeHash(route: Route): string {
  if (route.page === "conversation") {
    return `#/conversation/${encodeURIComponent(route.team)}/${encodeURIComponent(route.caller)}`;
  }
  return `#/${route.page}`;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The current location hash, re-rendering on change. */
export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}
