// Every widget the user can see, with its look, its figures and what can be done with it.
import { useCallback, useEffect, useState } from "react";
import * as api from "../api";
import { count } from "../format";
import { navigate } from "../router";
import type { User, Widget, WidgetCounts } from "../types";
import { ConfirmDialog, EmptyState, ErrorNote, PageHeader, Spinner, useToast } from "./ui";

export function canManage(user: User, widget: Pick<Widget, "owner_id">): boolean {
  return user.role === "admin" || widget.owner_id === user.id;
}

export function WidgetsPage({ user }: { user: User }) {
  const [widgets, setWidgets] = useState<Widget[] | null>(null);
  const [counts, setCounts] = useState<Record<string, WidgetCounts>>({});
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<Widget | null>(null);
  const toast = useToast();

  const load = useCallback(async () => {
    setError(null);
    try {
      const [list, stats] = await Promise.all([api.listWidgets(), api.widgetCounts()]);
      setWidgets(list);
      setCounts(Object.fromEntries(stats.map((s) => [s.site_key, s])));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  const newButton = (
    <button type="button" className="btn-primary" onClick={() => navigate({ page: "widget", key: null, tab: "appearance" })}>
      New widget
    </button>
  );
  return (
    <div className="max-w-6xl">
      <PageHeader title="Widgets" subtitle="Each widget is one chat you embed on a site with one tag." actions={newButton} />
      <ErrorNote error={error} retry={() => void load()} />
      {!widgets && !error && <Spinner />}
      {widgets?.length === 0 && (
        <EmptyState title="No widgets yet" action={newButton}>
          Create a widget, choose its colours and welcome message, then paste its tag into your site.
        </EmptyState>
      )}
      {widgets && widgets.length > 0 && (
        <ul className="grid grid-cols-1 gap-4 md:grid-cols-2 lg:grid-cols-3">
          {widgets.map((w) => {
            const c = counts[w.site_key];
            const mine = canManage(user, w);
            return (
              <li key={w.site_key} className="card flex flex-col" data-testid="widget-card">
                <div className="flex items-start gap-3 px-5 pt-5">
                  <span className="mt-1 h-10 w-10 shrink-0 rounded-full shadow-1" style={{ background: w.primary_color }} aria-hidden="true" />
                  <div className="min-w-0">
                    <h2 className="truncate">{w.business_name}</h2>
                    <p className="truncate text-sm text-secondary-600">{w.widget_title}</p>
                  </div>
                </div>
                <dl className="grid grid-cols-3 gap-2 px-5 py-4 text-center">
                  <Stat label="Conversations" value={c ? count(c.sessions) : "—"} />
                  <Stat label="Waiting" value={c ? count(c.waiting) : "—"} />
                  <Stat label="AI resolved" value={c ? count(c.ai_resolved) : "—"} />
                </dl>
                <div className="flex flex-wrap gap-2 px-5 pb-2 text-xs">
                  <span className={`badge ${w.ai_enabled ? "bg-ai-50 text-ai-700" : "bg-secondary-100 text-secondary-700"}`}>
                    {w.ai_enabled ? "AI on" : "AI off"}
                  </span>
                  <span className="badge bg-secondary-100 text-secondary-700">
                    {w.allowed_origins.length ? `${w.allowed_origins.length} site${w.allowed_origins.length > 1 ? "s" : ""}` : "no site allowed yet"}
                  </span>
                  {w.business_hours && <span className="badge bg-secondary-100 text-secondary-700">business hours</span>}
                </div>
                <div className="mt-auto flex flex-wrap gap-2 border-t border-secondary-100 px-5 py-3">
                  <button type="button" className="btn-secondary btn-sm"
                    onClick={() => navigate({ page: "widget", key: w.site_key, tab: "appearance" })}>
                    {mine ? "Edit" : "View"}
                  </button>
                  <button type="button" className="btn-secondary btn-sm"
                    onClick={() => navigate({ page: "knowledge", key: w.site_key })}>Knowledge base</button>
                  <button type="button" className="btn-secondary btn-sm"
                    onClick={() => navigate({ page: "widget", key: w.site_key, tab: "install" })}>Install</button>
                  {mine && (
                    <button type="button" className="btn-ghost btn-sm ml-auto text-error-700"
                      onClick={() => setDeleting(w)} aria-label={`Delete ${w.business_name}`}>Delete</button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {deleting && (
        <DeleteWidgetDialog widget={deleting} conversations={counts[deleting.site_key]?.sessions ?? 0}
          onClose={() => setDeleting(null)} onDeleted={() => {
            toast(`${deleting.business_name} was deleted.`);
            void load();
          }} />
      )}
    </div>
  );
}

export function DeleteWidgetDialog({ widget, conversations, onClose, onDeleted }: {
  widget: Widget;
  conversations: number | null;
  onClose: () => void;
  onDeleted: () => void;
}) {
  return (
    <ConfirmDialog title={`Delete ${widget.business_name}?`} confirm="Delete widget"
      typeToConfirm={widget.business_name}
      body={<>
        <p>The chat disappears from every site that embeds it, at once.</p>
        <p>{conversations === null ? "Its conversations" : `Its ${count(conversations)} conversation${conversations === 1 ? "" : "s"}`}, their messages and its knowledge base are deleted too. This cannot be undone.</p>
      </>}
      onConfirm={async () => {
        await api.deleteWidget(widget.site_key);
        onDeleted();
      }} onClose={onClose} />
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-xs text-secondary-600">{label}</dt>
      <dd className="text-lg font-semibold tabular-nums">{value}</dd>
    </div>
  );
}
