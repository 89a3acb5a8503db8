import { useEffect, useState } from "react";
import * as api from "../api";
import { visitorLabel } from "../format";
import type { Note, PendingNote } from "../state/notes";
import type { Message, Session, TeamMember } from "../types";
import { ChatTranscript } from "./ChatTranscript";
import { MessageComposer } from "./MessageComposer";

/** How often the messages (and notes) of a conversation read here are fetched again: this
 * socket does not follow its messages (it is not this agent's), and follows its notes only
 * once it wrote one. */
const REFRESH_MS = 5000;

interface Props {
  token: string;
  sessionId: string;
  notes: Note[];
  pendingNotes: PendingNote[];
  teammates: (siteKey: string) => TeamMember[];
  onLoadNotes: () => void;
  onNote: (text: string) => void;
  onRetryNote: (clientMsgId: string) => void;
  onDiscardNote: (clientMsgId: string) => void;
  onBack: () => void;
  teamNames?: Record<string, string>;
}

/** A conversation of a teammate's, opened from a mention: read-only for the visitor's side,
 * and answered with private notes. */
export function NoteOnlyChat({ token, sessionId, notes, pendingNotes, teammates, onLoadNotes,
  onNote, onRetryNote, onDiscardNote, onBack, teamNames }: Props) {
  const [session, setSession] = useState<Session | null>(null);
  const [agent, setAgent] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer = 0;
    const load = async () => {
      onLoadNotes();
      try {
        const d = await api.sessionDetails(token, sessionId);
        if (!live) return;
        setSession(d.session);
        setAgent(d.agent?.display_name ?? null);
        const all = await api.messagesAfter(token, d.session, 0);
        if (live) setMessages(all);
      } catch (err: unknown) {
        if (live) setError(err instanceof Error ? err.message : "Not found");
        return;
      }
      if (live) timer = window.setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token, sessionId]);

  if (error) return <p role="alert" className="m-auto p-8 text-error-700">{error}</p>;
  if (!session) return <p className="m-auto p-8 text-secondary-600">Loading…</p>;
  const name = visitorLabel(session);
  return (
    <section className="flex min-h-0 min-w-0 flex-1 flex-col" aria-label={`Chat with ${name} (read-only)`}
      data-testid="note-only-chat">
      <header className="flex items-center gap-2 border-b border-secondary-200 bg-white px-4 py-2">
        <button type="button" className="btn-ghost px-2 md:hidden" onClick={onBack} aria-label="Back to the list">←</button>
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-lg font-semibold" data-testid="chat-title">{name}</h1>
          <p className="text-xs text-secondary-600">
            {session.widget_name && <span>{session.widget_name} · </span>}
            {agent ? `${agent}'s conversation` : session.status} · you can read it and leave private notes
          </p>
        </div>
      </header>
      <ChatTranscript token={token} messages={messages} visitorName={name} notes={notes}
        pendingNotes={pendingNotes} onRetryNote={onRetryNote} onDiscardNote={onDiscardNote}
        teamNames={teamNames} />
      <MessageComposer sessionId={session.session_id} siteKey={session.site_key} canned={[]}
        initialDraft="" onDraft={() => undefined} onSend={() => undefined} onTyping={() => undefined}
        onNote={onNote} teammates={teammates(session.site_key)} noteOnly />
    </section>
  );
}
