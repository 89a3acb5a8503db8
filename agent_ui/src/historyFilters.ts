// The history's filters in the page's URL (?label=3&status=closed…): read when the page opens,
// written as they change, so a filtered list can be reloaded, shared or saved as a view.

import type { HistoryFilters } from "./types";

const LISTS = ["label", "rating"] as const;
const TEXTS = ["q", "status", "widget", "agent", "from", "to", "has_attachments"] as const;

/** The filters a query string names (unknown names ignored). */
export function filtersFromSearch(search: string): HistoryFilters {
  const params = new URLSearchParams(search);
  const out: Record<string, string | string[]> = {};
  for (const name of LISTS) {
    const values = params.getAll(name).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
    if (values.length) out[name] = values;
  }
  for (const name of TEXTS) {
    const value = params.get(name)?.trim();
    if (value) out[name] = value;
  }
  return out as HistoryFilters;
}

/** The filters without the empty ones (what the URL and a saved view keep). */
export function cleanFilters(filters: HistoryFilters): HistoryFilters {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(filters) as [string, string | string[] | undefined][]) {
    if (Array.isArray(value) ? value.length : value?.trim()) out[name] = value as string | string[];
  }
  return out as HistoryFilters;
}

/** How many filters besides the search are set. */
export function activeFilters(filters: HistoryFilters): number {
  return Object.keys(cleanFilters({ ...filters, q: undefined })).filter((k) => k !== "tz").length;
}
