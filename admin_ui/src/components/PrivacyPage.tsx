// Privacy, for admins: find a visitor's conversations by email, verified user id or session id,
// download everything about them as a ZIP, or erase their personal data (docs/privacy.md).
import { type FormEvent, useEffect, useState } from "react";
import * as api from "../api";
import type { Widget } from "../types";
import { ConfirmDialog, EmptyState, ErrorNote, Field, PageHeader, Spinner, useToast } from "./ui";

const KINDS: { id: api.VisitorQuery["kind"]; label: string; placeholder: string }[] = [
  { id: "email", label: "Email", placeholder: "jane@example.org" },
  { id: "user_id", label: "Verified user id", placeholder: "the id your site signs" },
  { id: "session_id", label: "Conversation id", placeholder: "a session id" },
];

function saveBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function PrivacyPage() {
  const toast = useToast();
  const [widgets, setWidgets] = useState<Widget[]>([]);
  const [draft, setDraft] = useState<api.VisitorQuery>({ kind: "email", value: "", widget: "" });
  const [query, setQuery] = useState<api.VisitorQuery | null>(null);
  const [found, setFound] = useState<api.VisitorSession[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState<Record<string, number> | null>(null);

  useEffect(() => void api.listWidgets().then(setWidgets, () => {}), []);

  const find = async (q: api.VisitorQuery) => {
    setLoading(true);
    setErased(null);
    try {
      setFound(await api.findVisitor(q));
      setQuery(q);
      setError(null);
    } catch (err) {
      setError(err);
      setFound(null);
    } finally {
      setLoading(false);
    }
  };
  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    if (draft.value.trim()) void find({ ...draft, value: draft.value.trim() });
  };
  const exportZip = async () => {
    if (!query) return;
    setExporting(true);
    try {
      const { name, blob } = await api.exportVisitor(query);
      saveBlob(name, blob);
    } catch (err) {
      toast(err instanceof Error ? err.message : String(err), "error");
    } finally {
      setExporting(false);
    }
  };
  const kind = KINDS.find((k) => k.id === draft.kind) ?? { id: "email", label: "Email", placeholder: "" };

  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader title="Privacy"
        subtitle="Find everything Parley holds about a visitor, download it, or erase it. Each export and erasure is written to the audit log." />
      <form className="card grid gap-3 p-4 sm:grid-cols-2 lg:grid-cols-4" onSubmit={submit} aria-label="Find a visitor">
        <Field label="Find by">
          {(p) => <select {...p} className="field" value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.target.value as api.VisitorQuery["kind"] })}>
            {KINDS.map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
          </select>}
        </Field>
        <Field label={kind.label}>
          {(p) => <input {...p} className="field" value={draft.value} placeholder={kind.placeholder}
            onChange={(e) => setDraft({ ...draft, value: e.target.value })} />}
        </Field>
        <Field label="Widget" hint={draft.kind === "user_id" ? "Required: a user id is one widget's." : undefined}>
          {(p) => <select {...p} className="field" value={draft.widget}
            onChange={(e) => setDraft({ ...draft, widget: e.target.value })}>
            <option value="">{draft.kind === "user_id" ? "Choose a widget" : "Every widget"}</option>
            {widgets.map((w) => <option key={w.site_key} value={w.site_key}>{w.business_name}</option>)}
          </select>}
        </Field>
        <div className="flex items-end">
          <button type="submit" className="btn-primary" disabled={loading || !draft.value.trim()}>
            {loading ? "Finding…" : "Find"}
          </button>
        </div>
      </form>
      {erased && (
        <p role="status" className="card p-4 text-sm" data-testid="privacy-erased">
          Erased {erased.sessions ?? 0} conversation{erased.sessions === 1 ? "" : "s"}: {erased.messages ?? 0} messages, {erased.uploads ?? 0} files, {erased.outbox ?? 0} emails.
        </p>
      )}
      {error ? <ErrorNote error={error} />
        : loading && found === null ? <Spinner />
        : found === null ? null
        : found.length === 0 ? <EmptyState title="Nothing found">No conversation of this visitor is stored.</EmptyState>
        : <>
          <div className="flex flex-wrap items-center gap-3">
            <p className="mr-auto text-sm text-secondary-700">
              {found.length} conversation{found.length === 1 ? "" : "s"} found.
            </p>
            <button type="button" className="btn-secondary" disabled={exporting} onClick={() => void exportZip()}>
              {exporting ? "Preparing…" : "Export (ZIP)"}
            </button>
            <button type="button" className="btn-danger" onClick={() => setErasing(true)}>Erase…</button>
          </div>
          <VisitorTable sessions={found} />
        </>}
      {erasing && query && found && (
        <ConfirmDialog title="Erase this visitor's data?" confirm="Erase for good" typeToConfirm={query.value}
          body={<>
            <p>The messages, files, emails, notes and details of {found.length} conversation{found.length === 1 ? "" : "s"} are
              deleted everywhere. The analytics keep counting the conversations, without anything personal.</p>
            <p>This cannot be undone. Export first if the visitor asked for a copy.</p>
          </>}
          onConfirm={async () => {
            const result = await api.eraseVisitor(query, query.value);
            setErased(result.erased);
            setFound(null);
            toast("The visitor's data was erased.");
          }}
          onClose={() => setErasing(false)} />
      )}
    </div>
  );
}

function VisitorTable({ sessions }: { sessions: api.VisitorSession[] }) {
  return (
    <div className="card overflow-x-auto">
      <table className="table" data-testid="privacy-table">
        <thead>
          <tr>
            <th scope="col">Started (UTC)</th><th scope="col">Widget</th><th scope="col">Visitor</th>
            <th scope="col">Status</th><th scope="col">Messages</th><th scope="col">Files</th><th scope="col">Conversation</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.session_id} data-testid="privacy-session" data-session={s.session_id}>
              <td className="whitespace-nowrap text-sm">{s.created_at.slice(0, 16).replace("T", " ")}</td>
              <td>{s.widget.business_name}</td>
              <td className="text-sm">
                <span className="font-medium">{s.visitor_name ?? "Anonymous"}</span>
                {s.verified && <span className="ml-1 text-xs text-success-700">(verified)</span>}
                <span className="block text-secondary-600">{s.visitor_email ?? s.offline_email ?? s.visitor_user_id ?? ""}</span>
              </td>
              <td className="text-sm">{s.status}</td>
              <td className="text-sm">{s.messages}</td>
              <td className="text-sm">{s.files}</td>
              <td className="break-all text-xs text-secondary-600">{s.session_id}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
