import { useEffect, useState } from "react";
import * as api from "../api";
import { activeFilters, cleanFilters } from "../historyFilters";
import type { HistoryFilters, Label, SavedView, TeamMember } from "../types";

interface Props {
  token: string;
  filters: HistoryFilters;
  labels: Label[];
  team: TeamMember[];
  onChange: (filters: HistoryFilters) => void;
}

const RATINGS: [string, string][] = [["", "Any rating"], ["5", "★★★★★ 5"], ["4", "★★★★ 4"],
  ["3", "★★★ 3"], ["2", "★★ 2"], ["1", "★ 1"], ["1,2", "Unhappy (1–2)"], ["none", "Not rated"]];

/** The history's filters (label, status, widget, agent, rating, dates, files) and the agent's
 * saved views: pick one to restore its filters, save the current ones under a name. */
export function HistoryFilterBar({ token, filters, labels, team, onChange }: Props) {
  const [widgets, setWidgets] = useState<[string, string][]>([]);
  const [views, setViews] = useState<SavedView[]>([]);
  const [viewId, setViewId] = useState<number | null>(null);
  const [naming, setNaming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The filters fold away when none is set (the list keeps the room).
  const [open, setOpen] = useState(() => activeFilters(filters) > 0);

  useEffect(() => {
    api.widgetNames(token).then(setWidgets).catch(() => undefined);
    api.savedViews(token).then(setViews).catch(() => undefined);
  }, [token]);

  const set = (changes: HistoryFilters) => {
    setViewId(null);
    onChange(cleanFilters({ ...filters, ...changes }));
  };
  const pick = (id: number | null) => {
    setViewId(id);
    const view = views.find((v) => v.id === id);
    if (view) {
      onChange(cleanFilters(view.filters));
      setOpen(true);
    }
  };
  const save = async () => {
    const name = (naming ?? "").trim();
    if (!name) return;
    try {
      const made = await api.saveView(token, name, cleanFilters(filters));
      setViews((vs) => [...vs, made].sort((a, b) => a.name.localeCompare(b.name)));
      setViewId(made.id);
      setNaming(null);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not save the view");
    }
  };
  const remove = async () => {
    if (viewId === null) return;
    try {
      await api.deleteView(token, viewId);
      setViews((vs) => vs.filter((v) => v.id !== viewId));
      setViewId(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not delete the view");
    }
  };

  const field = "field py-1 text-sm";
  const rating = (filters.rating ?? []).join(",");
  return (
    <div className="space-y-2 border-b border-secondary-200 p-3 text-sm" data-testid="history-filters">
      <div className="flex items-center gap-2">
        <label className="sr-only" htmlFor="history-view">Saved view</label>
        <select id="history-view" className={`${field} min-w-0 flex-1`} value={viewId ?? ""}
          onChange={(e) => pick(e.target.value ? Number(e.target.value) : null)}>
          <option value="">{views.length ? "Saved views…" : "No saved views"}</option>
          {views.map((v) => <option key={v.id} value={v.id}>{v.name}</option>)}
        </select>
        {viewId !== null && <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => void remove()}>Delete view</button>}
        {naming === null && (
          <button type="button" className="btn-secondary px-2 py-1 text-xs" onClick={() => setNaming("")}>Save view</button>
        )}
      </div>
      {naming !== null && (
        <form className="flex items-center gap-2" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <label className="sr-only" htmlFor="history-view-name">View name</label>
          <input id="history-view-name" className={`${field} min-w-0 flex-1`} placeholder="Name this view" autoFocus
            maxLength={60} value={naming} onChange={(e) => setNaming(e.target.value)} />
          <button type="submit" className="btn-primary px-2 py-1 text-xs" disabled={!naming.trim()}>Save</button>
          <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => setNaming(null)}>Cancel</button>
        </form>
      )}
      <button type="button" className="btn-ghost w-full justify-between px-2 py-1 text-xs" aria-expanded={open}
        aria-controls="history-filter-fields" onClick={() => setOpen(!open)}>
        <span>Filters{activeFilters(filters) ? ` · ${activeFilters(filters)} on` : ""}</span>
        <span aria-hidden>{open ? "▴" : "▾"}</span>
      </button>
      <div id="history-filter-fields" className={`${open ? "grid" : "hidden"} grid-cols-2 gap-2`}>
        <label className="flex flex-col gap-1">Label
          <select className={field} value={filters.label?.[0] ?? ""} data-testid="filter-label"
            onChange={(e) => set({ label: e.target.value ? [e.target.value] : [] })}>
            <option value="">Any label</option>
            {labels.map((l) => <option key={l.id} value={String(l.id)}>{l.name}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1">Status
          <select className={field} value={filters.status ?? ""}
            onChange={(e) => set({ status: (e.target.value || undefined) as HistoryFilters["status"] })}>
            <option value="">Closed or abandoned</option>
            <option value="closed">Closed</option>
            <option value="abandoned">Abandoned</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">Widget
          <select className={field} value={filters.widget ?? ""} onChange={(e) => set({ widget: e.target.value })}>
            <option value="">Any widget</option>
            {widgets.map(([key, name]) => <option key={key} value={key}>{name}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1">Agent
          <select className={field} value={filters.agent ?? ""} onChange={(e) => set({ agent: e.target.value })}>
            <option value="">Anyone</option>
            <option value="none">The AI alone</option>
            {team.map((a) => <option key={a.id} value={String(a.id)}>{a.display_name}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1">Rating
          <select className={field} value={rating} onChange={(e) => set({ rating: e.target.value ? e.target.value.split(",") : [] })}>
            {RATINGS.map(([value, text]) => <option key={value} value={value}>{text}</option>)}
          </select>
        </label>
        <label className="flex flex-col gap-1">Files
          <select className={field} value={filters.has_attachments ?? ""}
            onChange={(e) => set({ has_attachments: (e.target.value || undefined) as HistoryFilters["has_attachments"] })}>
            <option value="">With or without</option>
            <option value="true">With files</option>
            <option value="false">Without files</option>
          </select>
        </label>
        <label className="flex flex-col gap-1">From
          <input type="date" className={field} value={filters.from ?? ""} max={filters.to}
            onChange={(e) => set({ from: e.target.value })} />
        </label>
        <label className="flex flex-col gap-1">To
          <input type="date" className={field} value={filters.to ?? ""} min={filters.from}
            onChange={(e) => set({ to: e.target.value })} />
        </label>
      </div>
      {activeFilters(filters) > 0 && (
        <button type="button" className="btn-ghost px-2 py-1 text-xs"
          onClick={() => { setViewId(null); onChange(cleanFilters({ q: filters.q })); }}>Clear filters</button>
      )}
      {error && <p role="alert" className="text-xs text-error-700">{error}</p>}
    </div>
  );
}
