// The gap loop in the knowledge editor: what visitors asked that the AI could not answer
// (grouped by meaning, "Add answer" opens the entry form with the question), and the draft
// answers agents saved from their replies (review, publish or discard).
import { useCallback, useEffect, useState } from "react";
import * as api from "../api";
import { ago } from "../format";
import type { KnowledgeEntry, KnowledgeGaps } from "../types";
import { Field, useToast } from "./ui";

const WINDOWS = [7, 30, 90] as const;

/** Where the agent inbox shows a conversation. */
function conversationUrl(sessionId: string): string {
  return `/agent/history/${encodeURIComponent(sessionId)}`;
}

export function UnansweredQuestions({ siteKey, editable, onAddAnswer }: {
  siteKey: string;
  editable: boolean;
  onAddAnswer: (question: string) => void;
}) {
  const [days, setDays] = useState<number>(30);
  const [gaps, setGaps] = useState<KnowledgeGaps | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      setGaps(await api.knowledgeGaps(siteKey, days));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }, [siteKey, days]);
  useEffect(() => void load(), [load]);

  return (
    <section aria-labelledby="gaps-h" className="card px-5 py-4" data-testid="kb-gaps">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="gaps-h">Unanswered questions</h2>
        <label className="flex items-center gap-2 text-sm text-secondary-700">
          Last
          <select className="field w-auto py-1" value={days} onChange={(e) => setDays(Number(e.target.value))}
            aria-label="Period">
            {WINDOWS.map((d) => <option key={d} value={d}>{d} days</option>)}
          </select>
        </label>
      </div>
      <p className="mt-1 text-sm text-secondary-600">
        What visitors asked that the AI did not know (declined) or was not sure of (hedged), grouped by meaning.
      </p>
      {error && <p role="alert" className="error-text mt-3">{error}</p>}
      {!gaps && !error && <p className="mt-3 text-sm text-secondary-600">Loading…</p>}
      {gaps && gaps.groups.length === 0 && (
        <p className="mt-3 text-sm text-secondary-600">No unanswered questions in the last {gaps.days} days.</p>
      )}
      {gaps && gaps.groups.length > 0 && (
        <ul className="mt-3 divide-y divide-secondary-100">
          {gaps.groups.map((g) => (
            <li key={`${g.question}-${g.last_at}`} className="py-3" data-testid="kb-gap">
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0">
                  <p className="font-medium text-secondary-900">{g.question}</p>
                  <p className="mt-1 flex flex-wrap gap-2 text-xs text-secondary-600">
                    <span className="badge bg-primary-50 text-primary-700" data-testid="kb-gap-count">
                      asked {g.count}×
                    </span>
                    {g.declined > 0 && <span className="badge bg-warning-50 text-warning-700">{g.declined} declined</span>}
                    {g.hedged > 0 && <span className="badge bg-ai-50 text-ai-700">{g.hedged} hedged</span>}
                    <span>last {ago(g.last_at)}</span>
                  </p>
                  <ul className="mt-1 space-y-0.5 text-xs">
                    {g.examples.map((e) => (
                      <li key={e.session_id} className="truncate">
                        <a className="text-primary underline" href={conversationUrl(e.session_id)} target="_blank"
                          rel="noreferrer" title={`Conversation ${e.session_id}`}>“{e.question}”</a>
                        <span className="text-secondary-500"> · {ago(e.at)}</span>
                      </li>
                    ))}
                  </ul>
                </div>
                {editable && (
                  <button type="button" className="btn-secondary btn-sm shrink-0" onClick={() => onAddAnswer(g.question)}
                    aria-label={`Add an answer to ${g.question}`}>Add answer</button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {gaps?.truncated && <p className="mt-2 text-xs text-secondary-500">Only the newest 500 questions are grouped.</p>}
    </section>
  );
}

export function DraftAnswers({ siteKey, drafts, editable, onPublished, onDiscarded }: {
  siteKey: string;
  drafts: KnowledgeEntry[];
  editable: boolean;
  onPublished: (entry: KnowledgeEntry) => void;
  onDiscarded: (id: number) => void;
}) {
  if (drafts.length === 0) return null;
  return (
    <section aria-labelledby="drafts-h" className="card px-5 py-4" data-testid="kb-drafts">
      <h2 id="drafts-h">Drafts</h2>
      <p className="mt-1 text-sm text-secondary-600">
        Answers agents saved from their replies. The AI does not use them until they are published.
      </p>
      <ul className="mt-3 space-y-4">
        {drafts.map((d) => (
          <DraftItem key={d.id} siteKey={siteKey} draft={d} editable={editable}
            onPublished={onPublished} onDiscarded={onDiscarded} />
        ))}
      </ul>
    </section>
  );
}

function DraftItem({ siteKey, draft, editable, onPublished, onDiscarded }: {
  siteKey: string;
  draft: KnowledgeEntry;
  editable: boolean;
  onPublished: (entry: KnowledgeEntry) => void;
  onDiscarded: (id: number) => void;
}) {
  const [title, setTitle] = useState(draft.title);
  const [body, setBody] = useState(draft.body);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toast = useToast();
  const act = async (what: "publish" | "discard") => {
    setBusy(true);
    setError(null);
    try {
      if (what === "publish") {
        onPublished(await api.publishKnowledge(siteKey, draft.id, { title: title.trim(), body: body.trim() }));
        toast("Published: the AI answers with it now.");
      } else {
        await api.deleteKnowledge(siteKey, draft.id);
        onDiscarded(draft.id);
        toast("Draft discarded.");
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <li className="rounded border border-secondary-200 px-3 py-3" data-testid="kb-draft">
      {editable ? (
        <div className="space-y-2">
          <Field label="Question">
            {(p) => <input {...p} className="field" value={title} maxLength={500} onChange={(e) => setTitle(e.target.value)} />}
          </Field>
          <Field label="Answer">
            {(p) => <textarea {...p} className="field" rows={4} value={body} maxLength={20000} onChange={(e) => setBody(e.target.value)} />}
          </Field>
        </div>
      ) : (
        <>
          <p className="font-medium">{draft.title}</p>
          <p className="mt-1 whitespace-pre-line text-sm text-secondary-700">{draft.body}</p>
        </>
      )}
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2 text-xs text-secondary-600">
        <span>
          Saved {ago(draft.created_at)}
          {draft.origin_session_id && <> from <a className="text-primary underline" target="_blank" rel="noreferrer"
            href={conversationUrl(draft.origin_session_id)}>the conversation</a></>}
        </span>
        {editable && (
          <span className="flex gap-2">
            <button type="button" className="btn-ghost btn-sm text-error-700" disabled={busy}
              onClick={() => void act("discard")}>Discard</button>
            <button type="button" className="btn-primary btn-sm" disabled={busy || !title.trim() || !body.trim()}
              onClick={() => void act("publish")}>Publish</button>
          </span>
        )}
      </div>
      {error && <p role="alert" className="error-text mt-2">{error}</p>}
    </li>
  );
}
