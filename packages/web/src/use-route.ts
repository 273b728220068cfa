import { useSyncExternalStore } from "react";

export type Route = { page: "goals" } | { page: "session"; sessionID: string };

/** Hash routes (`#/`, `#/session/<id>`): no app path can ever shadow an API path on the same origin. */
export function parseRoute(hash: string): Route {
  const match = /^#\/session\/([^/?#]+)/.exec(hash);
  return match?.[1] ? { page: "session", sessionID: decodeURIComponent(match[1]) } : { page: "goals" };
}

const subscribe = (onChange: () => void) => {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
};

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
