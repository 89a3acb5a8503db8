// A widget's knowledge base: the entries the AI answers from. Add, edit, delete, import a
// Markdown or CSV file, and try a question to see the answer and the entries it used.
import { type FormEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";
import * as api from "../api";
import { ago } from "../format";
import { MAX_IMPORT_CHARS, countEntries, detectFormat } from "../knowledgeImport";
import { navigate } from "../router";
import type { KnowledgeEntry, TryAnswer, User, Widget } from "../types";
import { ConfirmDialog, Dialog, EmptyState, ErrorNote, Field, PageHeader, Spinner, useToast } from "./ui";
import { DraftAnswers, UnansweredQuestions } from "./KnowledgeGaps";
import { canManage } from "./WidgetsPage";
import { KnowledgeSources } from "./KnowledgeSources";

type Editing = { entry: KnowledgeEntry | null; question?: string };

export function KnowledgeEditor({ siteKey, user }: { siteKey: string; user: User }) {
  const [widget, setWidget] = useState<Widget | null>(null);
  const [entries, setEntries] = useState<KnowledgeEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<KnowledgeEntry | null>(null);
  const [used, setUsed] = useState<Set<number>>(new Set());
  const toast = useToast();

  const load = useCallback(async () => {
    try {
      const [w, list] = await Promise.all([api.getWidget(siteKey), api.listKnowledge(siteKey)]);
      setWidget(w);
      setEntries(list);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [siteKey]);
  useEffect(() => void load(), [load]);

  const drafts = useMemo(() => (entries ?? []).filter((e) => e.status === "draft"), [entries]);
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    return (entries ?? []).filter((e) => e.status !== "draft")
      .filter((e) => !q || e.title.toLowerCase().includes(q) || e.body.toLowerCase().includes(q));
  }, [entries, filter]);

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (!entries || !widget) return <Spinner />;
  const editable = canManage(user, widget);
  const published = entries.length - drafts.length;

  return (
    <div className="max-w-7xl">
      <PageHeader title="Knowledge base"
        subtitle={<>{widget.business_name} · {published} entr{published === 1 ? "y" : "ies"} · the AI answers from these</>}
        actions={<>
          <button type="button" className="btn-ghost" onClick={() => navigate({ page: "widget", key: siteKey, tab: "ai" })}>Widget settings</button>
          {editable && <ImportButton siteKey={siteKey} onImported={(n) => {
            toast(`Imported ${n} entr${n === 1 ? "y" : "ies"}.`);
            void load();
          }} />}
          {editable && <button type="button" className="btn-primary" onClick={() => setEditing({ entry: null })}>Add entry</button>}
        </>} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_380px]">
        <section aria-label="Entries" className="min-w-0 space-y-3">
          <DraftAnswers siteKey={siteKey} drafts={drafts} editable={editable}
            onPublished={(saved) => setEntries((list) => (list ?? []).map((x) => (x.id === saved.id ? saved : x)))}
            onDiscarded={(id) => setEntries((list) => (list ?? []).filter((x) => x.id !== id))} />
          {published > 0 && (
            <input className="field" type="search" placeholder="Filter entries" aria-label="Filter entries"
              value={filter} onChange={(e) => setFilter(e.target.value)} />
          )}
          {published === 0 ? (
            <EmptyState title="The knowledge base is empty"
              action={editable ? <button type="button" className="btn-primary" onClick={() => setEditing({ entry: null })}>Add the first entry</button> : undefined}>
              Add questions and answers, or articles, or import a Markdown or CSV file. Without entries the
              AI hands every question to a person.
            </EmptyState>
          ) : (
            <ul className="space-y-2">
              {shown.map((e) => (
                <li key={e.id} data-testid="kb-entry"
                  className={`card px-4 py-3 ${used.has(e.id) ? "border-ai ring-2 ring-ai-50" : ""}`}>
                  <div className="flex items-start justify-between gap-3">
                    <div className="min-w-0">
                      <p className="flex items-center gap-2">
                        <span className={`badge ${e.kind === "qa" ? "bg-primary-50 text-primary-700" : "bg-secondary-100 text-secondary-700"}`}>
                          {e.kind === "qa" ? "Q&A" : "Article"}
                        </span>
                        {used.has(e.id) && <span className="badge bg-ai-50 text-ai-700">used in the answer</span>}
                      </p>
                      <h2 className="mt-1 text-base">{e.title}</h2>
                      <p className="mt-1 line-clamp-3 whitespace-pre-line text-sm text-secondary-700">{e.body}</p>
                      <p className="mt-1 text-xs text-secondary-500">Updated {ago(e.updated_at)}</p>
                    </div>
                    {editable && (
                      <div className="flex shrink-0 gap-1">
                        <button type="button" className="btn-ghost btn-sm" onClick={() => setEditing({ entry: e })}
                          aria-label={`Edit ${e.title}`}>Edit</button>
                        <button type="button" className="btn-ghost btn-sm text-error-700" onClick={() => setDeleting(e)}
                          aria-label={`Delete ${e.title}`}>Delete</button>
                      </div>
                    )}
                  </div>
                </li>
              ))}
              {shown.length === 0 && <li className="text-sm text-secondary-600">No entry matches “{filter}”.</li>}
            </ul>
          )}
        </section>
        <aside className="space-y-6 lg:self-start">
          <TryIt siteKey={siteKey} onUsed={setUsed} />
          <UnansweredQuestions siteKey={siteKey} editable={editable}
            onAddAnswer={(question) => setEditing({ entry: null, question })} />
        </aside>
      </div>
      <KnowledgeSources siteKey={siteKey} canManage={editable} />
      {editing && (
        <EntryDialog siteKey={siteKey} entry={editing.entry} question={editing.question} onClose={() => setEditing(null)}
          onSaved={(saved, isNew) => {
            setEntries((list) => isNew ? [...(list ?? []), saved] : (list ?? []).map((x) => (x.id === saved.id ? saved : x)));
            toast(isNew ? "Entry added." : "Entry saved.");
          }} />
      )}
      {deleting && (
        <ConfirmDialog title="Delete this entry?" confirm="Delete entry"
          body={<p>“{deleting.title}” is removed from the knowledge base; the AI stops using it at once.</p>}
          onConfirm={async () => {
            await api.deleteKnowledge(siteKey, deleting.id);
            setEntries((list) => (list ?? []).filter((x) => x.id !== deleting.id));
            toast("Entry deleted.");
          }} onClose={() => setDeleting(null)} />
      )}
    </div>
  );
}

function EntryDialog({ siteKey, entry, question, onClose, onSaved }: {
  siteKey: string;
  entry: KnowledgeEntry | null;
  /** A new Q&A entry's question, filled in (from an unanswered question). */
  question?: string;
  onClose: () => void;
  onSaved: (entry: KnowledgeEntry, isNew: boolean) => void;
}) {
  const [kind, setKind] = useState<KnowledgeEntry["kind"]>(entry?.kind ?? "qa");
  const [title, setTitle] = useState(entry?.title ?? question ?? "");
  const [body, setBody] = useState(entry?.body ?? "");
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev?: FormEvent) => {
    ev?.preventDefault();
    const problems: Record<string, string> = {};
    if (!title.trim()) problems.title = "is required";
    if (!body.trim()) problems.body = "is required";
    setFields(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      const input = { kind, title: title.trim(), body: body.trim() };
      const saved = entry ? await api.updateKnowledge(siteKey, entry.id, input) : await api.addKnowledge(siteKey, input);
      onSaved(saved, !entry);
      onClose();
    } catch (err) {
      if (err instanceof api.ApiError) {
        setFields(err.fields);
        setError(err.message);
      } else setError(String(err));
      setBusy(false);
    }
  };
  const q = kind === "qa";
  return (
    <Dialog title={entry ? "Edit entry" : "Add an entry"} wide onClose={onClose} footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="button" className="btn-primary" disabled={busy} onClick={() => void submit()}>
        {busy ? "Saving…" : entry ? "Save entry" : "Add entry"}
      </button>
    </>}>
      <form className="space-y-4" onSubmit={(ev) => void submit(ev)} noValidate>
        {error && <p role="alert" className="rounded bg-error-50 px-3 py-2 text-sm text-error-700">{error}</p>}
        <fieldset>
          <legend className="label">Kind</legend>
          <div className="flex gap-4 text-sm">
            <label className="flex items-center gap-2"><input type="radio" name="kind" checked={q} onChange={() => setKind("qa")} /> Question and answer</label>
            <label className="flex items-center gap-2"><input type="radio" name="kind" checked={!q} onChange={() => setKind("article")} /> Article</label>
          </div>
        </fieldset>
        <Field label={q ? "Question" : "Title"} hint={q ? "As a visitor would ask it." : undefined} error={fields.title}>
          {(p) => <input {...p} className="field" value={title} maxLength={500} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field label={q ? "Answer" : "Text"} hint={`${body.length.toLocaleString()} / 20,000 characters`} error={fields.body}>
          {(p) => <textarea {...p} className="field" rows={8} value={body} maxLength={20000} onChange={(e) => setBody(e.target.value)} />}
        </Field>
      </form>
    </Dialog>
  );
}

function ImportButton({ siteKey, onImported }: { siteKey: string; onImported: (n: number) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; text: string; format: "markdown" | "csv" | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const pick = async (f: File | undefined) => {
    if (!f) return;
    const text = await f.text();
    setError(text.length > MAX_IMPORT_CHARS ? `The file is too long: at most ${MAX_IMPORT_CHARS.toLocaleString()} characters per import. Split it in parts.` : null);
    setFile({ name: f.name, text, format: detectFormat(f.name, text) });
    if (input.current) input.current.value = "";
  };
  const run = async () => {
    if (!file?.format) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.importKnowledge(siteKey, file.format, file.text);
      onImported(result.count);
      setFile(null);
    } catch (err) {
      setError(err instanceof api.ApiError
        ? [err.message, ...Object.entries(err.fields).map(([k, v]) => `${k}: ${v}`)].join(" · ")
        : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <input ref={input} type="file" accept=".md,.markdown,.txt,.csv,text/markdown,text/csv,text/plain" className="sr-only"
        aria-label="Import a Markdown or CSV file" data-testid="kb-import-file"
        onChange={(e) => void pick(e.target.files?.[0])} />
      <button type="button" className="btn-secondary" onClick={() => input.current?.click()}>Import file</button>
      {file && (
        <Dialog title={`Import ${file.name}`} onClose={() => setFile(null)} footer={<>
          <button type="button" className="btn-secondary" onClick={() => setFile(null)}>Cancel</button>
          <button type="button" className="btn-primary" disabled={busy || !file.format || file.text.length > MAX_IMPORT_CHARS}
            onClick={() => void run()}>{busy ? "Importing…" : "Import"}</button>
        </>}>
          {file.format ? (
            <div className="space-y-2 text-sm">
              <p>A {file.format === "csv" ? "CSV" : "Markdown"} file with about <strong>{countEntries(file.format, file.text)}</strong> entries. They are added to the entries already there.</p>
              <p className="text-secondary-600">{file.format === "csv"
                ? "Columns: question,answer (Q&A) or title,body (articles), optionally kind."
                : "Each ## heading starts an entry; a heading ending in ? is a question, its text the answer."}</p>
            </div>
          ) : <p className="text-sm">This is neither Markdown (.md) nor CSV (.csv).</p>}
          {error && <p role="alert" className="error-text mt-3">{error}</p>}
        </Dialog>
      )}
    </>
  );
}

function TryIt({ siteKey, onUsed }: { siteKey: string; onUsed: (ids: Set<number>) => void }) {
  const [question, setQuestion] = useState("");
  const [result, setResult] = useState<TryAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ask = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!question.trim()) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.tryKnowledge(siteKey, question.trim());
      setResult(r);
      onUsed(new Set(r.passages.filter((p) => p.used).map((p) => p.entry_id)));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="try-h" className="card px-5 py-4">
      <h2 id="try-h">Try it</h2>
      <p className="mt-1 text-sm text-secondary-600">Ask what a visitor would; see whether the AI would answer, and from which entry.</p>
      <form className="mt-3 space-y-2" onSubmit={(ev) => void ask(ev)}>
        <textarea className="field" rows={2} aria-label="Question" placeholder="e.g. Do you ship abroad?" value={question}
          maxLength={4000} onChange={(e) => setQuestion(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }} />
        <button type="submit" className="btn-primary w-full" disabled={busy || !question.trim()}>{busy ? "Thinking…" : "Ask"}</button>
      </form>
      {error && <p role="alert" className="error-text mt-3">{error}</p>}
      {result && <TryResult result={result} />}
    </section>
  );
}

// How close a found entry is, in words (the REST `match`).
const MATCH_LABEL: Record<TryAnswer["passages"][number]["match"], string> = {
  close: "close match",
  partial: "partial match",
  weak: "weak match",
};

export function TryResult({ result }: { result: TryAnswer }) {
  const declined = result.decision === "decline";
  return (
    <div className="mt-4 space-y-3" data-testid="try-result">
      <div className={`rounded px-3 py-2 text-sm ${declined ? "bg-warning-50 text-warning-700" : "bg-ai-50 text-secondary-900"}`}>
        <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-secondary-600">
          {declined ? "Would decline and offer a person"
            : result.decision === "hedge" ? "Would offer it as what might help, and a person"
              : "Would answer"}
        </p>
        <p data-testid="try-explanation">{result.explanation}</p>
        <p className="mt-2 whitespace-pre-line" data-testid="try-reply">
          <span className="sr-only">Reply: </span>{result.answer}
        </p>
      </div>
      {result.passages.length > 0 && (
        <div>
          <p className="text-xs font-semibold uppercase tracking-wide text-secondary-600">
            Entries found{result.search === "meaning" ? " (by meaning, any language)" : " (by keywords)"}
          </p>
          <ol className="mt-1 space-y-1 text-sm">
            {result.passages.map((p) => (
              <li key={`${p.entry_id}-${p.text.slice(0, 20)}`} className="flex justify-between gap-2" data-testid="try-passage">
                <span className="truncate">{p.title}</span>
                <span className="shrink-0 text-secondary-600">
                  {MATCH_LABEL[p.match]}{p.used && " · answered with"}
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </div>
  );
}
