import { reasonLabel, visitorLabel } from "../format";
import type { Watched } from "../state/aiwatch";
import { ChatTranscript } from "./ChatTranscript";
import { Badge } from "./common";

interface Props {
  token: string;
  watched: Watched;
  /** Another agent won the race for it (their name). */
  takenBy: string | null;
  onTakeOver: () => void;
  onAccept: () => void;
  onBack: () => void;
}

/** A conversation the agent does not own, read as it happens (the AI's, or one waiting in
 * the queue): the whole transcript with the AI's reply streaming in, and the one action that
 * makes it theirs. Nothing typed here reaches the visitor. */
export function WatchView({ token, watched, takenBy, onTakeOver, onAccept, onBack }: Props) {
  const s = watched.session;
  const name = s ? visitorLabel(s) : "Conversation";
  const waiting = s?.status === "waiting";
  const withAi = s?.status === "active" && s.ai_mode;
  const gone = takenBy ? `Taken by ${takenBy}` : watched.gone;
  const typing = watched.visitorTyping ? `${name} is typing…`
    : watched.aiTyping && !watched.aiDraft ? "The assistant is writing…" : null;
  return (
    <section className="flex min-h-0 flex-1 flex-col" aria-label={`Watching the chat with ${name}`}
      data-testid="watch-view">
      <header className="flex items-center gap-2 border-b border-secondary-200 bg-white px-4 py-2">
        <button type="button" className="btn-ghost px-2 md:hidden" onClick={onBack} aria-label="Back to the list">←</button>
        <div className="min-w-0 flex-1">
          <h1 className="truncate text-lg font-semibold" data-testid="watch-title">{name}</h1>
          <p className="flex flex-wrap items-center gap-1 text-xs text-secondary-600">
            {s?.widget_name && <span>{s.widget_name}</span>}
            {withAi && <Badge tone="ai">The AI is answering</Badge>}
            {waiting && <Badge tone="warning">{reasonLabel(s.escalation_reason)}</Badge>}
            <span>Read-only: take it over to write</span>
          </p>
        </div>
        {!gone && s && (waiting ? (
          <button type="button" className="btn-primary" onClick={onAccept}>Accept</button>
        ) : withAi ? (
          <button type="button" className="btn-primary" onClick={onTakeOver}>Take over</button>
        ) : null)}
      </header>
      <ChatTranscript token={token} messages={watched.messages} aiDraft={watched.aiDraft}
        visitorName={name} typing={gone ? null : typing} loading={!watched.historyLoaded} />
      <div className="border-t border-secondary-200 bg-secondary-50 px-4 py-3 text-sm" role="status"
        data-testid="watch-status">
        {gone ?? (waiting ? "Waiting for a person. Accept to answer."
          : withAi ? "You are watching the AI. Take over to answer yourself: the AI stops at once."
            : "Loading…")}
      </div>
    </section>
  );
}
