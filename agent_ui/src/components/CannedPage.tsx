import { type FormEvent, useEffect, useMemo, useState } from "react";
import * as api from "../api";
import { CANNED_VARIABLES } from "../cannedText";
import { SCOPE_LABEL, canEdit, searchCanned } from "../state/canned";
import type { CannedResponse, Me, Widget } from "../types";
import { Badge } from "./common";

interface Props {
  token: string;
  me: Me | null;
  canned: CannedResponse[];
  /** What this tab saved or deleted (the socket brings the same to every other inbox). */
  onSaved: (c: CannedResponse) => void;
  onDeleted: (id: number) => void;
}

/** Where a new response goes: "personal", "global", or a widget's site key. */
type Target = string;

interface Draft {
  id: number | null;
  target: Target;
  shortcut: string;
  title: string;
  text: string;
}

const EMPTY: Draft = { id: null, target: "personal", shortcut: "", title: "", text: "" };

function errorText(err: unknown): string {
  if (err instanceof api.ApiError) {
    const first = Object.entries(err.fields)[0];
    return first ? `${err.message}: ${first[0]} ${first[1]}` : err.message;
  }
  return err instanceof Error ? err.message : "The server refused the change.";
}

/** The canned responses this agent may use: theirs and the team's, to search, add, change
 * and delete (where the rules let them). */
export function CannedPage({ token, me, canned, onSaved, onDeleted }: Props) {
  const [widgets, setWidgets] = useState<Widget[]>([]);
  const [query, setQuery] = useState("");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.widgets(token).then((w) => live && setWidgets(w)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, [token]);

  const isAdmin = me?.role === "admin";
  const owned = useMemo(() => new Set(widgets.filter((w) => isAdmin || w.owner_id === me?.id)
    .map((w) => w.site_key)), [widgets, isAdmin, me?.id]);
  const names = useMemo(() => Object.fromEntries(widgets.map((w) => [w.site_key, w.business_name])),
    [widgets]);
  const shown = useMemo(() => searchCanned(canned, query), [canned, query]);

  async function save(ev: FormEvent) {
    ev.preventDefault();
    if (!draft) return;
    setBusy(true);
    setError(null);
    try {
      const body = { shortcut: draft.shortcut.trim(), title: draft.title.trim(), text: draft.text };
      const saved = draft.id !== null ? await api.updateCanned(token, draft.id, body)
        : await api.createCanned(token, { ...body,
          ...(draft.target === "personal" ? { personal: true }
            : draft.target === "global" ? {} : { site_key: draft.target }) });
      onSaved(saved);
      setDraft(null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(id: number) {
    setError(null);
    try {
      await api.deleteCanned(token, id);
      onDeleted(id);
    } catch (err) {
      setError(errorText(err));
    }
    setConfirm(null);
  }

  const where = (c: CannedResponse) => c.scope === "personal" ? SCOPE_LABEL.personal
    : c.scope === "global" ? SCOPE_LABEL.global : `Team: ${names[c.site_key ?? ""] ?? c.site_key}`;

  return (
    <main className="min-h-0 flex-1 overflow-y-auto bg-secondary-50 p-4 md:p-8">
      <div className="mx-auto max-w-3xl">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold text-secondary-900">Canned replies</h1>
          <button type="button" className="btn-primary ml-auto"
            onClick={() => { setError(null); setDraft({ ...EMPTY }); }}>New reply</button>
        </div>
        <p className="mt-2 text-sm text-secondary-600">
          Type <kbd className="kbd">/</kbd> and a shortcut in a chat to insert one. <strong>Personal</strong> replies
          are yours alone. <strong>Team</strong> replies are shared: a widget's can be changed by that widget's
          owner or an admin, replies for all widgets by admins. Changes reach every open inbox at once.
        </p>
        {draft && (
          <form onSubmit={save} aria-label={draft.id === null ? "New canned reply" : "Edit canned reply"}
            className="mt-4 space-y-3 rounded-lg border border-secondary-200 bg-white p-4">
            {draft.id === null && (
              <label className="block text-sm font-medium">For
                <select className="field mt-1" value={draft.target} data-testid="canned-target"
                  onChange={(e) => setDraft({ ...draft, target: e.target.value })}>
                  <option value="personal">Only me (personal)</option>
                  {isAdmin && <option value="global">The team, all widgets</option>}
                  {widgets.filter((w) => owned.has(w.site_key)).map((w) => (
                    <option key={w.site_key} value={w.site_key}>The team, {w.business_name}</option>
                  ))}
                </select>
              </label>
            )}
            <div className="flex gap-3">
              <label className="block w-40 text-sm font-medium">Shortcut
                <input className="field mt-1 font-mono" value={draft.shortcut} required maxLength={32}
                  placeholder="refund" pattern="[a-z0-9][a-z0-9_\-]{0,31}"
                  title="lower-case letters, digits, - or _"
                  onChange={(e) => setDraft({ ...draft, shortcut: e.target.value.toLowerCase() })} />
              </label>
              <label className="block flex-1 text-sm font-medium">Title
                <input className="field mt-1" value={draft.title} maxLength={100} placeholder="(the shortcut)"
                  onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
              </label>
            </div>
            <label className="block text-sm font-medium">Text
              <textarea className="field mt-1 min-h-[120px]" value={draft.text} required maxLength={4000}
                onChange={(e) => setDraft({ ...draft, text: e.target.value })} />
            </label>
            <p className="text-xs text-secondary-600">
              Variables, filled in when you insert the reply:{" "}
              {CANNED_VARIABLES.map((v, i) => (
                <span key={v.name}>{i > 0 && ", "}<code title={v.help}>{`{{${v.name}}}`}</code></span>
              ))}. A fallback for an unknown value: <code>{"{{visitor.name|friend}}"}</code>.
            </p>
            {error && <p role="alert" className="text-sm text-error-700">{error}</p>}
            <div className="flex gap-2">
              <button type="submit" className="btn-primary" disabled={busy}>{draft.id === null ? "Create" : "Save"}</button>
              <button type="button" className="btn-secondary" onClick={() => setDraft(null)}>Cancel</button>
            </div>
          </form>
        )}
        {!draft && error && <p role="alert" className="mt-4 text-sm text-error-700">{error}</p>}
        <input type="search" className="field mt-4" placeholder="Search replies" aria-label="Search replies"
          value={query} onChange={(e) => setQuery(e.target.value)} />
        {shown.length === 0 && (
          <p className="mt-4 text-sm text-secondary-600">{canned.length ? "No reply matches." : "No canned replies yet."}</p>
        )}
        <ul className="mt-4 space-y-2" data-testid="canned-list">
          {shown.map((c) => (
            <li key={c.id} data-canned={c.shortcut} className="rounded-lg border border-secondary-200 bg-white p-3">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-mono font-semibold text-primary-700">/{c.shortcut}</span>
                <span className="truncate text-secondary-800">{c.title}</span>
                <Badge tone={c.scope === "personal" ? "primary" : "secondary"}>{where(c)}</Badge>
                {canEdit(c, me, owned) && (
                  <span className="ml-auto flex gap-1">
                    <button type="button" className="btn-secondary px-2 py-1 text-sm"
                      onClick={() => { setError(null); setDraft({ id: c.id, target: c.scope, shortcut: c.shortcut,
                        title: c.title, text: c.text }); }}>Edit</button>
                    {confirm === c.id ? (
                      <button type="button" className="btn-secondary px-2 py-1 text-sm text-error-700"
                        onClick={() => void remove(c.id)}>Delete /{c.shortcut}?</button>
                    ) : (
                      <button type="button" className="btn-secondary px-2 py-1 text-sm"
                        onClick={() => setConfirm(c.id)}>Delete</button>
                    )}
                  </span>
                )}
              </div>
              <p className="mt-1 whitespace-pre-wrap text-sm text-secondary-700">{c.text}</p>
            </li>
          ))}
        </ul>
      </div>
    </main>
  );
}
