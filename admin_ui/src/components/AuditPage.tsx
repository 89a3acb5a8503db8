// The audit log, for admins: who changed which widget, user, knowledge base or email, newest
// first, with filters (who, what, which target, between which dates) and older pages on demand.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import * as api from "../api";
import { AUDIT_ACTIONS, actorName, detailsText, targetText } from "../auditFormat";
import type { AuditEntry } from "../types";
import { EmptyState, ErrorNote, Field, PageHeader, Spinner } from "./ui";

const PAGE = 50;
const NO_FILTERS: api.AuditFilters = { actor: "", action: "", target_type: "", target_id: "", from: "", to: "" };

export function AuditPage() {
  const [draft, setDraft] = useState<api.AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<api.AuditFilters>(NO_FILTERS);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (f: api.AuditFilters, after: string | null) => {
    setLoading(true);
    try {
      const page = await api.auditLog(f, after, PAGE);
      setEntries((old) => (after && old ? [...old, ...page.entries] : page.entries));
      setCursor(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => void load(filters, null), [load, filters]);

  const apply = (ev: FormEvent) => {
    ev.preventDefault();
    setFilters({ ...draft });
  };
  const set = (name: keyof api.AuditFilters) =>
    (ev: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: ev.target.value }));

  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader title="Audit log"
        subtitle="Every change admins made to widgets, users, knowledge bases, canned responses, labels and mail, and every visitor exported or erased, newest first. Kept for good; never holds a password or secret." />
      <form className="card grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4" onSubmit={apply} aria-label="Filter the audit log">
        <Field label="Who">
          {(p) => <input {...p} className="field" value={draft.actor} onChange={set("actor")} placeholder="username, id or chatctl" />}
        </Field>
        <Field label="Action">
          {(p) => <select {...p} className="field" value={draft.action} onChange={set("action")}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => <option key={a.value} value={a.value}>{a.label}</option>)}
          </select>}
        </Field>
        <Field label="Target">
          {(p) => <select {...p} className="field" value={draft.target_type} onChange={set("target_type")}>
            <option value="">Anything</option>
            <option value="widget">A widget</option>
            <option value="user">A user</option>
            <option value="canned">A canned response</option>
            <option value="label">A label</option>
            <option value="outbox">An email</option>
            <option value="visitor">A visitor (exported or erased)</option>
          </select>}
        </Field>
        <Field label="Target id">
          {(p) => <input {...p} className="field" value={draft.target_id} onChange={set("target_id")} placeholder="site key or user id" />}
        </Field>
        <Field label="From">
          {(p) => <input {...p} type="date" className="field" value={draft.from} onChange={set("from")} />}
        </Field>
        <Field label="To">
          {(p) => <input {...p} type="date" className="field" value={draft.to} onChange={set("to")} />}
        </Field>
        <div className="flex items-end gap-2 lg:col-span-2">
          <button type="submit" className="btn-primary">Apply filters</button>
          <button type="button" className="btn-secondary" onClick={() => { setDraft(NO_FILTERS); setFilters({ ...NO_FILTERS }); }}>
            Clear
          </button>
        </div>
      </form>
      {error ? <ErrorNote error={error} retry={() => void load(filters, null)} />
        : entries === null ? <Spinner />
        : entries.length === 0 ? <EmptyState title="No entries">Nothing matches these filters.</EmptyState>
        : <AuditTable entries={entries} />}
      {cursor && !error && (
        <button type="button" className="btn-secondary" disabled={loading} onClick={() => void load(filters, cursor)}>
          {loading ? "Loading…" : "Load older entries"}
        </button>
      )}
    </div>
  );
}

function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="card overflow-x-auto">
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">Action</th>
            <th scope="col">Target</th><th scope="col">Details</th><th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-testid="audit-entry" data-action={e.action}>
              <td className="whitespace-nowrap text-sm" title={e.at}>{e.at.slice(0, 19).replace("T", " ")}</td>
              <td className="font-medium">{actorName(e)}</td>
              <td><code className="text-sm">{e.action}</code></td>
              <td className="max-w-xs break-all text-sm">{targetText(e)}</td>
              <td className="max-w-md break-words text-sm text-secondary-700">{detailsText(e.details)}</td>
              <td className="whitespace-nowrap text-sm text-secondary-600">{e.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
