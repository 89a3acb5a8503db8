// The admin's routes, under /admin/. A plain history router: every path answers index.html.
import { createRouter } from "@parley/protocol/router";

export const BASE = "/admin";

export type Route =
  | { page: "login" }
  | { page: "dashboard" }
  | { page: "widgets" }
  | { page: "widget"; key: string | null; tab: string }
  | { page: "knowledge"; key: string }
  | { page: "users" }
  | { page: "analytics" }
  | { page: "mail" }
  | { page: "labels" }
  | { page: "audit" }
  | { page: "privacy" };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  switch (parts[0]) {
    case "login":
      return { page: "login" };
    case "users":
      return { page: "users" };
    case "analytics":
      return { page: "analytics" };
    case "mail":
      return { page: "mail" };
    case "labels":
      return { page: "labels" };
    case "audit":
      return { page: "audit" };
    case "privacy":
      return { page: "privacy" };
    case "widgets":
      if (parts[1] === "new") return { page: "widget", key: null, tab: parts[2] ?? "appearance" };
      if (parts[1] && parts[2] === "knowledge") return { page: "knowledge", key: parts[1] };
      if (parts[1]) return { page: "widget", key: parts[1], tab: parts[2] ?? "appearance" };
      return { page: "widgets" };
    default:
      return { page: "dashboard" };
  }
}

export function routePath(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.page) {
    case "login":
    case "users":
    case "analytics":
    case "mail":
    case "labels":
    case "audit":
    case "privacy":
    case "widgets":
      return `${BASE}/${route.page}`;
    case "widget":
      return `${BASE}/widgets/${route.key ? enc(route.key) : "new"}${route.tab === "appearance" ? "" : `/${route.tab}`}`;
    case "knowledge":
      return `${BASE}/widgets/${enc(route.key)}/knowledge`;
    default:
      return `${BASE}/`;
  }
}

export const { navigate, useRoute } = createRouter(parseRoute, routePath);
