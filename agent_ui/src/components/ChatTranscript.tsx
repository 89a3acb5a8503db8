import { useEffect, useLayoutEffect, useRef } from "react";
import { clock, systemText } from "../format";
import type { AiDraft } from "../state/inbox";
import { type Note, type PendingNote, timeline } from "../state/notes";
import { type OutboxEntry, isReady } from "../state/outbox";
import type { Upload } from "../state/uploads";
import { type Message, filesOf } from "../types";
import { AiSources, AiText } from "./AiText";
import { MessageFiles } from "./Attachments";
import { NoteBubble, PendingNoteBubble } from "./NoteBubble";
import { LinkedText } from "./LinkedText";
import { UploadList } from "./UploadList";

interface Props {
  /** The agent's token, to fetch the messages' files. */
  token: string;
  messages: Message[];
  /** Uploads of the pending messages' files, by key (progress). */
  uploads?: Record<string, Upload>;
  onCancelUpload?: (key: string) => void;
  pending?: OutboxEntry[];
  aiDraft?: AiDraft | null;
  /** Highest seq the visitor has displayed, for the "Seen" receipt. */
  visitorSeen?: number;
  visitorName: string;
  typing?: string | null;
  loading?: boolean;
  onRetry?: (clientMsgId: string) => void;
  onDiscard?: (clientMsgId: string) => void;
  /** The team's private notes, shown between the messages by time (never to the visitor). */
  notes?: Note[];
  pendingNotes?: PendingNote[];
  onRetryNote?: (clientMsgId: string) => void;
  onDiscardNote?: (clientMsgId: string) => void;
  /** Teammates' display names by lower-cased username (a note's @mentions show them). */
  teamNames?: Record<string, string>;
  /** "Save as answer" on the agents' replies: a draft for the knowledge base (a hover action:
   *  not in the phone layout, where it would crowd every reply with a full-size button). */
  onSaveAnswer?: (m: Message) => void;
}

function Bubble({ m, seen, token, onSaveAnswer }: {
  m: Message; seen: boolean; token: string; onSaveAnswer?: (m: Message) => void;
}) {
  if (m.sender_type === "system") {
    return (
      <li className="my-2 text-center text-xs text-secondary-700" data-seq={m.seq} data-sender="system">
        <span>{systemText(m)}</span> <span>· {clock(m.created_at)}</span>
      </li>
    );
  }
  const mine = m.sender_type === "agent";
  const ai = m.sender_type === "ai";
  const files = filesOf(m);
  return (
    <li className={`group my-1 flex flex-col ${mine ? "items-end" : "items-start"}`} data-seq={m.seq}
      data-sender={m.sender_type}>
      <span className="mb-0.5 flex items-center gap-1 px-1 text-xs text-secondary-700">
        {mine && onSaveAnswer && m.text && (
          <button type="button" onClick={() => onSaveAnswer(m)}
            className="hidden rounded px-1 text-primary underline opacity-0 focus:opacity-100 group-hover:opacity-100 md:inline"
            title="Save this reply, with the visitor's question before it, as a draft answer for the AI (an admin reviews it)">
            Save as answer
          </button>
        )}
        {ai && <span className="badge bg-ai text-white" title="Answered by the AI assistant">AI</span>}
        {m.sender_type !== "visitor" && m.sender_name && <span>{m.sender_name}</span>}
        <span>{clock(m.created_at)}</span>
      </span>
      {ai ? (
        <div className="max-w-[75%] space-y-2 whitespace-pre-wrap break-words rounded-lg border border-ai-50 bg-ai-50 px-3 py-2 text-sm text-secondary-900">
          <AiText text={m.text} />
        </div>
      ) : (m.text || files.length === 0) && (
        <p className={`max-w-[75%] whitespace-pre-wrap break-words rounded-lg px-3 py-2 text-sm ${
          mine ? "bg-primary text-white" : "border border-secondary-200 bg-white text-secondary-900"}`}>
          <LinkedText text={m.text} mine={mine} />
        </p>
      )}
      {files.length > 0 && <MessageFiles token={token} files={files} mine={mine} />}
      {ai && m.sources?.length ? <AiSources sources={m.sources} /> : null}
      {seen && <span className="px-1 text-xs text-secondary-700" data-testid="seen">Seen</span>}
    </li>
  );
}

/** The whole conversation: the AI part (marked), the agents', the visitor's, system events,
 * a streaming AI reply, and the agent's messages still on their way. */
export function ChatTranscript({ token, messages, uploads = {}, onCancelUpload, pending = [],
  aiDraft = null, visitorSeen = 0, visitorName, typing = null, loading = false, onRetry,
  onDiscard, notes = [], pendingNotes = [], onRetryNote, onDiscardNote, teamNames,
  onSaveAnswer }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  // Follow the conversation while the agent is at the bottom; stay put when they scrolled up.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages, pending, aiDraft, typing, notes, pendingNotes]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onScroll = () => {
      stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    };
    el.addEventListener("scroll", onScroll);
    return () => el.removeEventListener("scroll", onScroll);
  }, []);

  let lastSeen = -1;
  for (const m of messages) if (m.sender_type === "agent" && m.seq <= visitorSeen) lastSeen = m.seq;

  return (
    <div ref={ref} className="min-h-0 flex-1 overflow-y-auto px-4 py-4" data-testid="transcript"
      aria-label={`Conversation with ${visitorName}`} role="log" aria-live="polite">
      {loading && messages.length === 0 && <p className="text-center text-sm text-secondary-700">Loading…</p>}
      <ol className="mx-auto flex max-w-content flex-col">
        {timeline(messages, notes).map((item) => (item.kind === "note"
          ? <NoteBubble key={`note-${item.note.id}`} note={item.note} names={teamNames} />
          : <Bubble key={item.message.seq} m={item.message} seen={item.message.seq === lastSeen} token={token}
            onSaveAnswer={onSaveAnswer} />))}
        {aiDraft && (
          <li className="my-1 flex flex-col items-start" data-testid="ai-draft">
            <span className="mb-0.5 flex items-center gap-1 px-1 text-xs text-secondary-700">
              <span className="badge bg-ai text-white">AI</span> writing…
            </span>
            <div className="max-w-[75%] space-y-2 whitespace-pre-wrap break-words rounded-lg border border-ai-50 bg-ai-50 px-3 py-2 text-sm">
              <AiText text={aiDraft.pieces.join("")} /><span aria-hidden className="typing-dots">▍</span>
            </div>
          </li>
        )}
        {pendingNotes.map((n) => (
          <PendingNoteBubble key={n.clientMsgId} note={n} onRetry={onRetryNote} onDiscard={onDiscardNote} />
        ))}
        {pending.map((e) => (
          <li key={e.clientMsgId} className="my-1 flex flex-col items-end" data-pending={e.clientMsgId}>
            {e.text && (
              <p className={`max-w-[75%] whitespace-pre-wrap break-words rounded-lg px-3 py-2 text-sm text-white ${
                e.failed ? "bg-error" : "bg-primary/60"}`}>{e.text}</p>
            )}
            <UploadList className="mt-1 max-w-[75%] justify-end" onCancel={e.failed ? undefined : onCancelUpload}
              items={(e.files ?? []).map((f) => ({ key: f.key, name: f.name, size: f.size,
                upload: uploads[f.key] ?? null, done: f.done !== null }))} />
            {e.failed ? (
              <span className="flex gap-2 px-1 text-xs text-error-700" role="alert">
                Not sent: {e.failed}
                {onRetry && <button type="button" className="underline" onClick={() => onRetry(e.clientMsgId)}>Retry</button>}
                {onDiscard && <button type="button" className="underline" onClick={() => onDiscard(e.clientMsgId)}>Discard</button>}
              </span>
            ) : (
              <span className="px-1 text-xs text-secondary-700">{isReady(e) ? "Sending…" : "Uploading…"}</span>
            )}
          </li>
        ))}
      </ol>
      {typing && (
        <p className="mx-auto mt-2 flex max-w-content items-center gap-1 text-xs text-secondary-700" data-testid="typing">
          <span className="typing-dots" aria-hidden><span>●</span><span>●</span><span>●</span></span>
          {typing}
        </p>
      )}
    </div>
  );
}
