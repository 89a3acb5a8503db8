import { type ReactNode, useEffect, useState } from "react";
import * as api from "../api";
import { dateTime, visitorLabel } from "../format";
import { cleanFilters, filtersFromSearch } from "../historyFilters";
import { navigate } from "../router";
import type { Note } from "../state/notes";
import type { HistoryFilters, HistorySession, Label, Message, Session, TeamMember } from "../types";
import { ChatTranscript } from "./ChatTranscript";
import { HistoryFilterBar } from "./HistoryFilterBar";
import { LabelChips } from "./LabelChips";
import { LabelPicker } from "./LabelPicker";
import { TranscriptButton } from "./TranscriptButton";
import { VisitorDetails } from "./VisitorDetails";
import { IdentityMark } from "./IdentityMark";

/** `text` with every occurrence of `query` marked, as React text (never HTML). */
function Highlight({ text, query }: { text: string; query: string }) {
  if (!query) return <>{text}</>;
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(q); i >= 0 && parts.length < 40; i = lower.indexOf(q, at)) {
    parts.push(text.slice(at, i), <mark key={i} className="rounded-sm bg-warning-50 text-secondary-900">{text.slice(i, i + q.length)}</mark>);
    at = i + q.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

interface Props {
  token: string;
  chatId: string | null;
  /** Reopen an ended conversation whose visitor left an email (the socket's `accept`): it
   * opens in the inbox once the server answers `accepted`. */
  onReopen: (sessionId: string) => void;
  /** Every label and the team, for the filters. */
  labels?: Label[];
  team?: TeamMember[];
  /** "Save as answer" on an agent's reply in the open conversation (as in the inbox). */
  onSaveAnswer?: (sessionId: string, m: Message) => void;
}

/** The time zone the filters' dates are days of (the browser's). */
function localZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The filters as the server takes them: the dates in the browser's time zone. */
function requestFilters(filters: HistoryFilters): HistoryFilters {
  const { q: _q, ...rest } = filters;
  return rest.from || rest.to ? { ...rest, tz: localZone() } : rest;
}

/** Ended conversations, searchable by visitor or text, and one of them read-only (or reopened,
 * when the visitor left an email that a reply can reach). */
export function HistoryPage({ token, chatId, onReopen, labels = [], team = [], onSaveAnswer }: Props) {
  const [filters, setFilters] = useState<HistoryFilters>(() => filtersFromSearch(window.location.search));
  const query = filters.q ?? "";
  const setQuery = (q: string) => setFilters((f) => cleanFilters({ ...f, q }));
  const filterKey = JSON.stringify(requestFilters(filters));
  const [results, setResults] = useState<HistorySession[]>([]);
  const [more, setMore] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setBusy(true);
    const timer = window.setTimeout(() => {
      api.searchHistory(token, query.trim(), 0, 25, requestFilters(filters)).then((page) => {
        if (!live) return;
        setResults(page.sessions);
        setMore(page.next_offset);
        setError(null);
      }).catch((err: unknown) => live && setError(err instanceof Error ? err.message : "Search failed"))
        .finally(() => live && setBusy(false));
    }, 250);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, query, filterKey]);

  // The URL says the filters (kept when a conversation is opened, so a reload or a shared
  // link shows the same list).
  useEffect(() => {
    const qs = api.filterParams(cleanFilters(filters)).toString();
    const want = window.location.pathname + (qs ? `?${qs}` : "");
    if (want !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", want);
    }
  }, [filters, chatId]);

  function loadMore() {
    if (more === null) return;
    api.searchHistory(token, query.trim(), more, 25, requestFilters(filters)).then((page) => {
      setResults((r) => [...r, ...page.sessions]);
      setMore(page.next_offset);
    }).catch(() => undefined);
  }

  const q = query.trim();
  return (
    <div className="flex min-h-0 flex-1">
      <section aria-label="Past conversations"
        className={`${chatId ? "hidden md:flex" : "flex"} w-full shrink-0 flex-col border-r border-secondary-200 bg-white md:w-sidebar`}>
        <div className="border-b border-secondary-200 p-3">
          <label className="sr-only" htmlFor="history-search">Search past conversations</label>
          <input id="history-search" type="search" className="field" placeholder="Search by visitor, email or message…"
            value={query} onChange={(e) => setQuery(e.target.value)} data-testid="history-search" />
        </div>
        <HistoryFilterBar token={token} filters={filters} labels={labels} team={team} onChange={setFilters} />
        <div className="min-h-0 flex-1 overflow-y-auto">
          {error && <p role="alert" className="p-4 text-sm text-error-700">{error}</p>}
          {!busy && !error && results.length === 0 && (
            <p className="p-4 text-sm text-secondary-600">{q ? `No conversation matches “${q}”.`
              : Object.keys(cleanFilters(filters)).length ? "No conversation matches these filters." : "No ended conversations yet."}</p>
          )}
          <ul data-testid="history-results">
            {results.map((r) => (
              <li key={r.session_id}>
                <button type="button" aria-current={r.session_id === chatId ? "true" : undefined}
                  onClick={() => navigate({ page: "history", chatId: r.session_id })}
                  className={`w-full border-b border-secondary-100 px-4 py-3 text-left hover:bg-secondary-50 ${r.session_id === chatId ? "bg-primary-50" : ""}`}>
                  <span className="flex items-center gap-2">
                    <span className="truncate font-medium"><Highlight text={visitorLabel(r)} query={q} /></span>
                    {r.visitor_verified && <IdentityMark session={r} compact />}
                    <span className="ml-auto shrink-0 text-xs text-secondary-600">{dateTime(r.closed_at)}</span>
                  </span>
                  {r.visitor_email && r.visitor_name && (
                    <span className="block truncate text-xs text-secondary-600"><Highlight text={r.visitor_email} query={q} /></span>
                  )}
                  <span className="mt-1 line-clamp-2 block text-sm text-secondary-700">
                    <Highlight text={r.match ?? r.last_message ?? ""} query={q} />
                  </span>
                  <span className="mt-1 block text-xs text-secondary-500">
                    {r.widget_name}{r.agent_name ? ` · ${r.agent_name}` : " · AI only"}{r.status === "abandoned" ? " · abandoned" : ""}
                    {r.rating ? ` · ${"★".repeat(r.rating)}` : ""}
                  </span>
                  {r.labels && r.labels.length > 0 && <span className="mt-1 block"><LabelChips labels={r.labels} /></span>}
                </button>
              </li>
            ))}
          </ul>
          {more !== null && <button type="button" className="btn-ghost m-3" onClick={loadMore}>Load more</button>}
        </div>
      </section>
      <main className={`${chatId ? "flex" : "hidden md:flex"} min-w-0 flex-1`}>
        {chatId ? <PastChat key={chatId} token={token} sessionId={chatId} onReopen={onReopen} labels={labels}
          onSaveAnswer={onSaveAnswer}
          onLabels={(id, now) => setResults((rs) => rs.map((r) => (r.session_id === id ? { ...r, labels: now } : r)))} />
          : <p className="m-auto p-8 text-secondary-600">Pick a conversation to read it.</p>}
      </main>
    </div>
  );
}

function PastChat({ token, sessionId, onReopen, labels, onLabels, onSaveAnswer }: {
  token: string;
  sessionId: string;
  labels: Label[];
  /** The conversation's labels changed (its row in the list shows them). */
  onLabels: (sessionId: string, labels: Label[]) => void;
} & Pick<Props, "onReopen" | "onSaveAnswer">) {
  const [session, setSession] = useState<Session | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [notes, setNotes] = useState<Note[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // The team's private notes, between the messages (never shown to the visitor).
    api.sessionNotes(token, sessionId).then((n) => live && setNotes(n)).catch(() => undefined);
    api.sessionDetails(token, sessionId).then(async (d) => {
      if (!live) return;
      setSession(d.session);
      const all = await api.messagesAfter(token, d.session, 0);
      if (live) setMessages(all);
    }).catch((err: unknown) => live && setError(err instanceof Error ? err.message : "Not found"));
    return () => {
      live = false;
    };
  }, [token, sessionId]);
  if (error) return <p role="alert" className="m-auto p-8 text-error-700">{error}</p>;
  if (!session) return <p className="m-auto p-8 text-secondary-600">Loading…</p>;
  const name = visitorLabel(session);
  const ended = session.status === "closed" || session.status === "abandoned";
  const email = session.offline_email ?? session.visitor_email;
  return (
    <div className="flex min-h-0 flex-1">
      <section className="flex min-w-0 flex-1 flex-col" aria-label={`Past chat with ${name}`}>
        <header className="flex items-center gap-2 border-b border-secondary-200 bg-white px-4 py-2">
          <button type="button" className="btn-ghost px-2 md:hidden" aria-label="Back to the results"
            onClick={() => navigate({ page: "history", chatId: null })}>←</button>
          <h1 className="truncate text-lg font-semibold" data-testid="chat-title">{name}</h1>
          <LabelChips labels={session.labels ?? []} />
          <LabelPicker catalog={labels} current={session.labels ?? []} who={name} onOpen={() => undefined}
            onToggle={async (id, on) => {
              const now = await api.setLabel(token, session.session_id, id, on);
              setSession((s) => (s ? { ...s, labels: now } : s));
              onLabels(session.session_id, now);
            }} />
          <span className="ml-auto text-xs text-secondary-600">{session.status}</span>
          <TranscriptButton token={token} session={session} />
          {ended && email && (
            <button type="button" className="btn-primary" data-testid="reopen"
              title={`Reopen the conversation and reply to ${email}`}
              onClick={() => onReopen(session.session_id)}>Reopen and reply</button>
          )}
        </header>
        <ChatTranscript token={token} messages={messages} visitorName={name} notes={notes}
          onSaveAnswer={onSaveAnswer && ((m) => onSaveAnswer(session.session_id, m))} />
      </section>
      <div className="hidden w-details border-l border-secondary-200 lg:block">
        <VisitorDetails token={token} session={session}
          onOpenPrevious={(id) => navigate({ page: "history", chatId: id })} />
      </div>
    </div>
  );
}
