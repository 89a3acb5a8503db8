// The inbox's few routes, under /agent/: the inbox (a chat open or not), the history (a
// past chat open or not), the user's profile (/settings opens it at the notifications) and the
// sign-in page.
import { createRouter } from "@parley/protocol/router";

export const BASE = "/agent";

export type Route =
  | { page: "login" }
  | { page: "inbox"; chatId: string | null }
  | { page: "history"; chatId: string | null }
  | { page: "settings" }
  | { page: "watch"; sessionId: string }
  | { page: "canned" }
  | { page: "visitors" }
  | { page: "profile" };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "login") return { page: "login" };
  if (parts[0] === "history") return { page: "history", chatId: parts[1] ?? null };
  if (parts[0] === "settings") return { page: "settings" };
  if (parts[0] === "watch" && parts[1]) return { page: "watch", sessionId: parts[1] };
  if (parts[0] === "canned") return { page: "canned" };
  if (parts[0] === "visitors") return { page: "visitors" };
  if (parts[0] === "profile") return { page: "profile" };
  if (parts[0] === "chats" && parts[1]) return { page: "inbox", chatId: parts[1] };
  return { page: "inbox", chatId: null };
}

export function routePath(route: Route): string {
  switch (route.page) {
    case "login":
      return `${BASE}/login`;
    case "settings":
      return `${BASE}/settings`;
    case "watch":
      return `${BASE}/watch/${encodeURIComponent(route.sessionId)}`;
    case "canned":
      return `${BASE}/canned`;
    case "visitors":
      return `${BASE}/visitors`;
    case "profile":
      return `${BASE}/profile`;
    case "history":
      return route.chatId ? `${BASE}/history/${encodeURIComponent(route.chatId)}` : `${BASE}/history`;
    default:
      return route.chatId ? `${BASE}/chats/${encodeURIComponent(route.chatId)}` : `${BASE}/`;
  }
}

export const { navigate, useRoute } = createRouter(parseRoute, routePath);
