// The canned responses an inbox holds, kept current by the socket's canned_saved and
// canned_deleted frames; and what the management screen shows. Pure functions, no I/O.

import type { CannedResponse, CannedScope, Me } from "../types";

/** Add or replace a response (by id), keeping the list in shortcut order. */
export function upsertCanned(list: CannedResponse[], item: CannedResponse): CannedResponse[] {
  const next = list.filter((c) => c.id !== item.id);
  next.push(item);
  return next.sort((a, b) => a.shortcut.localeCompare(b.shortcut) || a.id - b.id);
}

export function removeCanned(list: CannedResponse[], id: number): CannedResponse[] {
  return list.some((c) => c.id === id) ? list.filter((c) => c.id !== id) : list;
}

/** Responses whose shortcut, title or text contains every word of the search. */
export function searchCanned(list: CannedResponse[], query: string): CannedResponse[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return list;
  return list.filter((c) => {
    const hay = `${c.shortcut} ${c.title} ${c.text}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

export const SCOPE_LABEL: Record<CannedScope, string> = {
  personal: "Only you",
  widget: "Team: one widget",
  global: "Team: all widgets",
};

/** Who may change a response, in the server's rules (services/canned.py): a personal one its
 * owner; a widget's one that widget's owner or an admin; a global one admins. */
export function canEdit(c: CannedResponse, me: Pick<Me, "id" | "role"> | null,
  ownedWidgets: ReadonlySet<string>): boolean {
  if (!me) return false;
  if (c.scope === "personal") return c.owner_id === me.id;
  if (me.role === "admin") return true;
  return c.scope === "widget" && c.site_key !== null && ownedWidgets.has(c.site_key);
}
