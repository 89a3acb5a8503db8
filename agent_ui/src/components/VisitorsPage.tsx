import { type FormEvent, useCallback, useEffect, useState } from "react";
import * as api from "../api";
import type { LiveVisitor } from "../types";
import { Badge } from "./common";

// How often the list is fetched again (the widgets' heartbeats come every 20 s).
const REFRESH_MS = 4000;

function duration(s: number): string {
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function flag(code: string): string {
  return /^[A-Z]{2}$/.test(code) ? String.fromCodePoint(...[...code].map((c) => 0x1f1a5 + c.charCodeAt(0))) : "";
}

/** The visitors on the sites of the agent's tracking widgets now, refreshed every few seconds;
 * an agent invites one to chat with a first message (docs/agents.md). */
export function VisitorsPage({ token }: { token: string }) {
  const [visitors, setVisitors] = useState<LiveVisitor[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inviting, setInviting] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => api.liveVisitors(token).then((v) => {
    setVisitors(v);
    setError(null);
  }, (err: unknown) => setError(err instanceof Error ? err.message : "The list could not be loaded.")), [token]);

  useEffect(() => {
    void load();
    const id = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(id);
  }, [load]);

  const send = async (e: FormEvent, v: LiveVisitor) => {
    e.preventDefault();
    setBusy(true);
    try {
      const updated = await api.inviteVisitor(token, v, text);
      setVisitors((list) => list?.map((x) => x.tracking_id === v.tracking_id && x.site_key === v.site_key ? updated : x) ?? null);
      setInviting(null);
      setText("");
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The invitation was refused.");
    } finally {
      setBusy(false);
    }
  };

  const withdraw = async (v: LiveVisitor) => {
    try {
      await api.withdrawInvitation(token, v);
      setVisitors((list) => list?.map((x) => x === v ? { ...x, invite: null } : x) ?? null);
    } catch (err) {
      setError(err instanceof Error ? err.message : "The invitation could not be withdrawn.");
    }
  };

  return (
    <main className="flex-1 overflow-y-auto bg-secondary-50 p-4" aria-labelledby="visitors-title">
      <div className="mx-auto max-w-content">
        <h1 id="visitors-title" className="mb-1 text-xl font-semibold">Visitors on your sites now</h1>
        <p className="mb-4 text-sm text-secondary-600">
          Widgets with visitor tracking on report who is browsing. Invite a visitor to chat: they see your
          message by the chat button, and the conversation becomes yours when they answer.
        </p>
        {error && <p role="alert" className="mb-3 rounded bg-error-50 p-2 text-sm text-error-700">{error}</p>}
        {visitors === null ? <p role="status">Loading…</p> : visitors.length === 0 ? (
          <p data-testid="no-visitors" className="text-secondary-600">Nobody is on your sites right now (or no widget tracks visitors).</p>
        ) : (
          <ul data-testid="visitors" className="divide-y divide-secondary-200 rounded border border-secondary-200 bg-white">
            {visitors.map((v) => {
              const key = `${v.site_key}/${v.tracking_id}`;
              return (
                <li key={key} data-visitor={v.tracking_id} className="flex flex-col gap-2 p-3">
                  <div className="flex flex-wrap items-center gap-3">
                    <div className="min-w-0 flex-1">
                      <div data-testid="visitor-page" className="truncate font-medium">{v.page?.title || v.page?.url || "Unknown page"}</div>
                      <div className="truncate text-xs text-secondary-600">{v.page?.url}</div>
                    </div>
                    <span data-testid="visitor-country" className="text-sm" title={v.country?.name ?? undefined}>
                      {v.country ? `${flag(v.country.code)} ${v.country.name ?? v.country.code}` : "—"}
                    </span>
                    <span data-testid="visitor-time" className="text-sm text-secondary-700" title="Time on site">{duration(v.time_on_site_s)}</span>
                    <Badge>{v.widget_name}</Badge>
                    <span className="text-xs text-secondary-600">{v.pages.length} page{v.pages.length === 1 ? "" : "s"}</span>
                    {v.chatting ? <Badge tone="success">Chatting</Badge>
                      : v.invite ? (
                        <span className="flex items-center gap-1">
                          <Badge tone="warning" title={v.invite.text}>Invited by {v.invite.agent.display_name}</Badge>
                          <button type="button" className="btn-ghost px-2 py-1 text-xs" onClick={() => void withdraw(v)}>
                            Withdraw
                          </button>
                        </span>
                      )
                        : (
                          <button type="button" className="btn-secondary px-2 py-1 text-sm"
                            onClick={() => { setInviting(key); setText(""); }}>
                            Invite to chat
                          </button>
                        )}
                  </div>
                  {inviting === key && (
                    <form className="flex gap-2" onSubmit={(e) => void send(e, v)}>
                      <label className="sr-only" htmlFor={`invite-${v.tracking_id}`}>First message</label>
                      <textarea id={`invite-${v.tracking_id}`} className="field flex-1" rows={2} maxLength={4000} required
                        placeholder="Hi! Can I help you find something?" value={text} onChange={(e) => setText(e.target.value)} />
                      <div className="flex flex-col gap-1">
                        <button type="submit" className="btn-primary px-3 py-1" disabled={busy || !text.trim()}>Send</button>
                        <button type="button" className="btn-ghost px-3 py-1" onClick={() => setInviting(null)}>Cancel</button>
                      </div>
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </main>
  );
}
