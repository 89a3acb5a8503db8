// A knowledge base's sources: web pages, sitemaps and sites fetched (again by hand or on a
// schedule), and uploaded documents, each imported as articles. The list follows a sync's
// progress by polling while anything is moving; managers add, sync, replace and delete.
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import * as api from "../api";
import { ago } from "../format";
import type { KnowledgeSource, SourceResult, WebSourceInput } from "../types";
import { ConfirmDialog, ErrorNote, Field, Spinner, useToast } from "./ui";

const POLL_MS = 1500;
// Polls after a sync ends with passages still without vectors, waiting for the first to come;
// without an embedding model (keyword search) none ever do, so polling must stop.
const GRACE_POLLS = 8;
const DOCUMENT_TYPES = ".pdf,.docx,.html,.htm,.md,.markdown,.txt";

const KIND_LABEL: Record<KnowledgeSource["kind"], string> = {
  page: "Web page",
  sitemap: "Sitemap",
  site: "Whole site",
  file: "Document",
};

const SCHEDULES: { label: string; hours: number | null }[] = [
  { label: "Off (sync by hand)", hours: null },
  { label: "Daily", hours: 24 },
  { label: "Weekly", hours: 24 * 7 },
];

const moving = (s: KnowledgeSource) => s.status === "queued" || s.status === "syncing";
const indexing = (s: KnowledgeSource) => s.embedded > 0 && s.embedded < s.entries;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Where a source stands, in words. */
export function statusText(s: KnowledgeSource): string {
  if (s.status === "queued") return "Waiting to sync…";
  if (s.status === "syncing") {
    if (s.kind === "file") return "Reading the document…";
    return s.total > 0 ? `Fetching ${s.done} / ${s.total} pages` : "Fetching…";
  }
  if (s.status === "failed") {
    const msg = `Failed: ${s.error?.message ?? "the sync did not finish"}`;
    return s.entries > 0 ? `${msg} — the previous version (${plural(s.entries, "passage")}) is still in use` : msg;
  }
  if (indexing(s)) return `Indexing ${s.embedded} / ${s.entries}`;
  return `Ready — ${plural(s.entries, "passage")}${s.synced_at ? `, synced ${ago(s.synced_at)}` : ""}`;
}

function schedule(s: KnowledgeSource): string {
  if (s.kind === "file") return "replaced by uploading it again";
  return s.sync_hours ? `every ${s.sync_hours} h` : "by hand";
}

function summary(r: SourceResult): string {
  const c = r.counts;
  const parts = [`${c.added} added`, `${c.changed} changed`, `${c.removed} removed`];
  return c.unchanged ? [...parts, `${c.unchanged} unchanged`].join(", ") : parts.join(", ");
}

export function KnowledgeSources({ siteKey, canManage }: { siteKey: string; canManage: boolean }) {
  const [sources, setSources] = useState<KnowledgeSource[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<KnowledgeSource | null>(null);
  const grace = useRef(0);
  const toast = useToast();

  const load = useCallback(async () => {
    try {
      const list = await api.listSources(siteKey);
      setSources(list);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [siteKey]);
  useEffect(() => void load(), [load]);

  // Poll while a sync runs or vectors are being computed; a few more times after a sync ends
  // (its vectors start a moment later), then stop.
  const active = (sources ?? []).some((s) => moving(s) || indexing(s));
  const waiting = (sources ?? []).some((s) => s.status === "ready" && s.embedded < s.entries);
  useEffect(() => {
    if (!sources) return;
    if (active) grace.current = GRACE_POLLS;
    else if (!waiting || grace.current <= 0) return;
    else grace.current -= 1;
    const timer = window.setTimeout(() => void load(), POLL_MS);
    return () => window.clearTimeout(timer);
  }, [sources, active, waiting, load]);

  const changed = (source: KnowledgeSource) => {
    grace.current = GRACE_POLLS;
    setSources((list) => (list ?? []).some((x) => x.id === source.id)
      ? (list ?? []).map((x) => (x.id === source.id ? source : x)) : [...(list ?? []), source]);
  };

  return (
    <section aria-labelledby="sources-h" className="card mb-6 px-5 py-4" data-testid="kb-sources">
      <h2 id="sources-h">Sources</h2>
      <p className="mt-1 text-sm text-secondary-600">
        Web pages, sites and documents imported as articles. Each keeps its link; a re-sync updates
        what changed and keeps the rest.
      </p>
      {error ? <ErrorNote error={error} retry={() => void load()} />
        : !sources ? <Spinner />
          : sources.length === 0 ? <p className="mt-3 text-sm text-secondary-600">No sources yet.</p>
            : (
              <ul className="mt-3 divide-y divide-secondary-100">
                {sources.map((s) => (
                  <SourceRow key={s.id} siteKey={siteKey} source={s} canManage={canManage}
                    onChanged={changed} onDelete={() => setDeleting(s)} />
                ))}
              </ul>
            )}
      {canManage && (
        <div className="mt-4 grid grid-cols-1 gap-4 border-t border-secondary-100 pt-4 lg:grid-cols-2">
          <AddWebSource siteKey={siteKey} onAdded={(s) => {
            changed(s);
            toast(`Added ${s.name}; syncing.`);
          }} />
          <UploadDocument siteKey={siteKey} onUploaded={(s) => {
            changed(s);
            toast(`Imported ${s.name}.`);
          }} />
        </div>
      )}
      {deleting && (
        <ConfirmDialog title="Delete this source?" confirm="Delete source"
          body={<p>“{deleting.name}” and its {plural(deleting.entries, "passage")} are removed from the
            knowledge base; the AI stops using them at once.</p>}
          onConfirm={async () => {
            await api.deleteSource(siteKey, deleting.id);
            setSources((list) => (list ?? []).filter((x) => x.id !== deleting.id));
            toast("Source deleted.");
          }} onClose={() => setDeleting(null)} />
      )}
    </section>
  );
}

function SourceRow({ siteKey, source: s, canManage, onChanged, onDelete }: {
  siteKey: string;
  source: KnowledgeSource;
  canManage: boolean;
  onChanged: (s: KnowledgeSource) => void;
  onDelete: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const replaceInput = useRef<HTMLInputElement>(null);
  const run = async (fn: () => Promise<KnowledgeSource>) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await fn());
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const r = s.result;
  const errors = r?.errors ?? [];
  const titles = r ? [...r.added.map((t) => `Added: ${t}`), ...r.changed.map((t) => `Changed: ${t}`),
    ...r.removed.map((t) => `Removed: ${t}`)] : [];
  return (
    <li className="py-3" data-testid="kb-source" data-source={s.name}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="flex items-center gap-2">
            <span className="badge bg-secondary-100 text-secondary-700">{KIND_LABEL[s.kind]}</span>
            {s.url
              ? <a href={s.url} target="_blank" rel="noreferrer noopener" className="truncate font-medium text-primary-700 underline">{s.name}</a>
              : <span className="truncate font-medium">{s.name}</span>}
          </p>
          <p role="status" aria-live="polite" data-testid="kb-source-status"
            className={`mt-1 text-sm ${s.status === "failed" ? "text-error-700" : "text-secondary-700"}`}>
            {statusText(s)}
          </p>
          {r && (
            <div className="mt-1 text-sm text-secondary-600" data-testid="kb-source-result">
              {titles.length > 0 ? (
                <details>
                  <summary className="cursor-pointer">Last sync: {summary(r)}</summary>
                  <ul className="ml-4 mt-1 list-disc">{titles.map((t) => <li key={t}>{t}</li>)}</ul>
                </details>
              ) : <p>Last sync: {summary(r)}</p>}
              {errors.length > 0 && (
                <details>
                  <summary className="cursor-pointer text-warning-700">{plural(errors.length, "page")} could not be read</summary>
                  <ul className="ml-4 mt-1 list-disc">
                    {errors.map((e) => <li key={e.url}><span className="break-all">{e.url}</span>: {e.message}</li>)}
                  </ul>
                </details>
              )}
            </div>
          )}
          <p className="mt-1 text-xs text-secondary-500">Schedule: {schedule(s)}</p>
          {error && <p role="alert" className="error-text mt-1">{error}</p>}
        </div>
        {canManage && (
          <div className="flex shrink-0 gap-1">
            {s.kind !== "file" && (
              <button type="button" className="btn-ghost btn-sm" disabled={busy || moving(s)}
                aria-label={`Sync ${s.name} now`} onClick={() => void run(() => api.syncSource(siteKey, s.id))}>Sync now</button>
            )}
            {s.kind === "file" && (
              <>
                <input ref={replaceInput} type="file" accept={DOCUMENT_TYPES} className="sr-only" tabIndex={-1}
                  aria-label={`New version of ${s.name}`} onChange={(e) => {
                    const file = e.target.files?.[0];
                    e.target.value = "";
                    if (file) void run(() => api.uploadSourceFile(siteKey, file, s.id));
                  }} />
                <button type="button" className="btn-ghost btn-sm" disabled={busy}
                  aria-label={`Replace ${s.name}`} onClick={() => replaceInput.current?.click()}>
                  {busy ? "Uploading…" : "Replace file"}
                </button>
              </>
            )}
            <button type="button" className="btn-ghost btn-sm text-error-700" onClick={onDelete}
              aria-label={`Delete ${s.name}`}>Delete</button>
          </div>
        )}
      </div>
    </li>
  );
}

function AddWebSource({ siteKey, onAdded }: { siteKey: string; onAdded: (s: KnowledgeSource) => void }) {
  const [url, setUrl] = useState("");
  const [kind, setKind] = useState<WebSourceInput["kind"]>("page");
  const [maxPages, setMaxPages] = useState("50");
  const [hours, setHours] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!url.trim()) {
      setFields({ url: "is required" });
      return;
    }
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const input: WebSourceInput = { url: url.trim(), kind, sync_hours: hours ? Number(hours) : null };
      if (kind !== "page" && maxPages) input.max_pages = Number(maxPages);
      onAdded(await api.addSource(siteKey, input));
      setUrl("");
    } catch (err) {
      if (err instanceof api.ApiError) {
        setFields(err.fields);
        setError(err.message);
      } else setError(String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="space-y-3" aria-labelledby="add-web-h" onSubmit={(ev) => void submit(ev)} noValidate>
      <h3 id="add-web-h" className="text-base font-semibold">Add a web page or site</h3>
      {error && <p role="alert" className="rounded bg-error-50 px-3 py-2 text-sm text-error-700">{error}</p>}
      <Field label="URL" error={fields.url}>
        {(p) => <input {...p} className="field" type="url" placeholder="https://www.example.com/help" value={url}
          maxLength={2000} onChange={(e) => setUrl(e.target.value)} />}
      </Field>
      <Field label="What to import" error={fields.kind}>
        {(p) => (
          <select {...p} className="field" value={kind} onChange={(e) => setKind(e.target.value as WebSourceInput["kind"])}>
            <option value="page">One page</option>
            <option value="sitemap">Sitemap (its pages)</option>
            <option value="site">Whole site, by its links</option>
          </select>
        )}
      </Field>
      {kind !== "page" && (
        <Field label="Max pages" error={fields.max_pages}>
          {(p) => <input {...p} className="field" type="number" min={1} value={maxPages} onChange={(e) => setMaxPages(e.target.value)} />}
        </Field>
      )}
      <Field label="Re-sync" error={fields.sync_hours}>
        {(p) => (
          <select {...p} className="field" value={hours} onChange={(e) => setHours(e.target.value)}>
            {SCHEDULES.map((s) => <option key={s.label} value={s.hours ?? ""}>{s.label}</option>)}
          </select>
        )}
      </Field>
      <button type="submit" className="btn-primary" disabled={busy}>{busy ? "Adding…" : "Add source"}</button>
    </form>
  );
}

function UploadDocument({ siteKey, onUploaded }: { siteKey: string; onUploaded: (s: KnowledgeSource) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(file.name);
    setError(null);
    try {
      onUploaded(await api.uploadSourceFile(siteKey, file));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
      if (input.current) input.current.value = "";
    }
  };
  return (
    <div className="space-y-3">
      <h3 className="text-base font-semibold">Upload a document</h3>
      <p className="text-sm text-secondary-600">PDF, Word (.docx), HTML, Markdown or plain text; each section becomes an article.</p>
      <div>
        <label htmlFor="kb-source-file" className="label">Document</label>
        <input ref={input} id="kb-source-file" type="file" accept={DOCUMENT_TYPES} className="field" disabled={!!busy}
          data-testid="kb-source-file" onChange={(e) => void upload(e.target.files?.[0])} />
      </div>
      {busy && <p role="status" aria-live="polite" className="text-sm text-secondary-700">Uploading {busy}…</p>}
      {error && <p role="alert" className="rounded bg-error-50 px-3 py-2 text-sm text-error-700">{error}</p>}
    </div>
  );
}
