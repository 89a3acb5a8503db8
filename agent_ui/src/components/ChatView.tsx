import { type DragEvent, type ReactNode, type RefObject, useEffect, useState } from "react";
import { fillCanned } from "../cannedText";
import { reasonLabel, visitorLabel } from "../format";
import type { Chat } from "../state/inbox";
import type { Note, PendingNote } from "../state/notes";
import type { OutboxEntry } from "../state/outbox";
import { type Upload, staged } from "../state/uploads";
import type { CannedResponse, Message, TeamMember } from "../types";
import { ChatTranscript } from "./ChatTranscript";
import { CloseDialog } from "./CloseDialog";
import { type ComposerHandle, MessageComposer } from "./MessageComposer";
import { TranscriptButton } from "./TranscriptButton";
import { TransferDialog } from "./TransferDialog";
import { VisitorDetails } from "./VisitorDetails";
import { Badge } from "./common";
import { IdentityMark } from "./IdentityMark";

interface Props {
  token: string;
  chat: Chat;
  pending: OutboxEntry[];
  canned: CannedResponse[];
  targets: TeamMember[];
  draft: string;
  composerRef: RefObject<ComposerHandle | null>;
  onDraft: (text: string) => void;
  onSend: (text: string, uploadKeys: string[]) => void;
  /** Files being uploaded (this chat's are staged in the composer or under a message). */
  uploads: Record<string, Upload>;
  onAttach: (files: File[]) => void;
  onCancelUpload: (key: string) => void;
  onTyping: (on: boolean) => void;
  onRead: (seq: number) => void;
  onTransfer: (agentId: number) => void;
  onClose: (note: string) => void;
  onHandBack: () => void;
  onDismiss: () => void;
  onBack: () => void;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
  onTeamNeeded: () => void;
  /** The team's private notes of this chat, and writing one (with @mentions of teammates). */
  notes?: Note[];
  pendingNotes?: PendingNote[];
  onNote?: (text: string) => void;
  teammates?: TeamMember[];
  onRetryNote?: (clientMsgId: string) => void;
  onDiscardNote?: (clientMsgId: string) => void;
  /** A transfer with a private note for the receiving agent. */
  onTransferWithNote?: (agentId: number, note: string) => void;
  /** Teammates' display names by lower-cased username (notes' @mentions). */
  teamNames?: Record<string, string>;
  /** The agent's name, for canned responses' {{agent.name}}. */
  agentName?: string;
  /** More for the header, before its buttons (the labels and their picker). */
  headerExtra?: ReactNode;
  /** "Save as answer" on the agents' replies. */
  onSaveAnswer?: (m: Message) => void;
}

/** One chat: the transcript, the message box, the visitor's details, transfer and close. */
export function ChatView({ token, chat, pending, canned, targets, draft, composerRef, onDraft,
  onSend, uploads, onAttach, onCancelUpload, onTyping, onRead, onTransfer, onClose, onHandBack, onDismiss, onBack, onRetry,
  onDiscard, onTeamNeeded, notes, pendingNotes, onNote, teammates, onRetryNote, onDiscardNote,
  onTransferWithNote, teamNames, agentName, headerExtra, onSaveAnswer }: Props) {
  const [dialog, setDialog] = useState<"transfer" | "close" | null>(null);
  const [details, setDetails] = useState(false);
  const [dragging, setDragging] = useState(false);
  const s = chat.session;
  const name = visitorLabel(s);
  const newest = chat.messages[chat.messages.length - 1]?.seq ?? 0;

  // Mark as read what is on screen while the page is visible (sends `seen`).
  useEffect(() => {
    const mark = () => {
      if (document.visibilityState === "visible" && newest > 0) onRead(newest);
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    window.addEventListener("focus", mark);
    return () => {
      document.removeEventListener("visibilitychange", mark);
      window.removeEventListener("focus", mark);
    };
  }, [newest, onRead]);

  const typing = chat.visitorTyping ? `${name} is typing…` : chat.aiTyping && !chat.aiDraft
    ? "The assistant is writing…" : null;
  const ended = chat.ended !== null;
  // Files dropped anywhere on the conversation are attached (not opened by the browser).
  const hasFiles = (ev: DragEvent) => !ended && ev.dataTransfer.types.includes("Files");
  const onDragOver = (ev: DragEvent) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = "copy";
    setDragging(true);
  };
  const onDrop = (ev: DragEvent) => {
    setDragging(false);
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    onAttach([...ev.dataTransfer.files]);
  };
  return (
    <div className="flex h-full min-h-0">
      <section className="relative flex min-w-0 flex-1 flex-col" aria-label={`Chat with ${name}`}
        onDragOver={onDragOver} onDrop={onDrop}
        onDragLeave={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setDragging(false)}>
        {dragging && (
          <div className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-lg border-2 border-dashed border-primary bg-primary-50/90 text-primary-700"
            data-testid="drop-zone">Drop files to attach them</div>
        )}
        {/* On a phone the actions take a second row under the name. */}
        <header className="flex flex-wrap items-center gap-2 border-b border-secondary-200 bg-white px-2 py-2 md:flex-nowrap md:px-4">
          <button type="button" className="btn-ghost px-2 md:hidden" onClick={onBack} aria-label="Back to the list">←</button>
          <div className="min-w-0 flex-1">
            <h1 className="truncate text-lg font-semibold" data-testid="chat-title">{name}</h1>
            <p className="flex flex-wrap items-center gap-1 text-xs text-secondary-600">
              <IdentityMark session={s} />
              {s.widget_name && <span>{s.widget_name}</span>}
              {s.escalation_reason && <Badge tone="warning">{reasonLabel(s.escalation_reason)}</Badge>}
              {s.visitor_email && <span className="truncate">· {s.visitor_email}</span>}
            </p>
          </div>
          {headerExtra}
          <div className="flex w-full flex-wrap items-center gap-2 md:w-auto md:flex-nowrap" data-testid="chat-actions">
            <button type="button" className="btn-secondary lg:hidden" aria-pressed={details}
              onClick={() => setDetails((d) => !d)}>Details</button>
            <TranscriptButton token={token} session={s} />
            {!ended && (
              <>
                <button type="button" className="btn-secondary"
                  onClick={() => { onTeamNeeded(); setDialog("transfer"); }}>Transfer</button>
                <button type="button" className="btn-secondary" onClick={() => setDialog("close")}>Close</button>
              </>
            )}
          </div>
        </header>
        <ChatTranscript token={token} uploads={uploads} onCancelUpload={onCancelUpload} messages={chat.messages} pending={pending} aiDraft={chat.aiDraft}
          visitorSeen={chat.visitorSeen} visitorName={name} typing={ended ? null : typing}
          loading={!chat.historyLoaded} onRetry={onRetry} onDiscard={onDiscard}
          notes={notes} pendingNotes={pendingNotes} onRetryNote={onRetryNote} onDiscardNote={onDiscardNote}
          teamNames={teamNames} onSaveAnswer={onSaveAnswer} />
        {ended ? (
          <div className="flex items-center justify-between gap-2 border-t border-secondary-200 bg-secondary-50 px-4 py-3 text-sm" role="status" data-testid="ended">
            <span>{chat.endedNote ?? "This conversation is no longer yours."}</span>
            <button type="button" className="btn-secondary" onClick={onDismiss}>Remove from my chats</button>
          </div>
        ) : (
          <MessageComposer key={s.session_id} ref={composerRef} sessionId={s.session_id} siteKey={s.site_key}
            canned={canned} initialDraft={draft} onDraft={onDraft} onSend={onSend} onTyping={onTyping}
            staged={staged(uploads, s.session_id)} onAttach={onAttach} onCancelUpload={onCancelUpload}
            onNote={onNote} teammates={teammates}
            fill={(t) => fillCanned(t, { visitorName: s.visitor_name, visitorEmail: s.visitor_email
              ?? s.offline_email, agentName })} />
        )}
      </section>
      {/* The details: the whole screen on a phone, a drawer on a tablet, a column on a desktop. */}
      <div className={`${details ? "fixed inset-0 z-30 w-full bg-white shadow-3 md:left-auto md:w-details" : "hidden"} border-l border-secondary-200 lg:static lg:block lg:w-details lg:shadow-none`}>
        {details && (
          <button type="button" className="btn-ghost absolute right-2 top-2 lg:hidden" aria-label="Hide details"
            onClick={() => setDetails(false)}>✕</button>
        )}
        <VisitorDetails token={token} session={s} />
      </div>
      {dialog === "transfer" && (
        <TransferDialog targets={targets} onClose={() => setDialog(null)}
          onPick={(id, note) => {
            setDialog(null);
            if (note && onTransferWithNote) onTransferWithNote(id, note);
            else onTransfer(id);
          }} />
      )}
      {dialog === "close" && (
        <CloseDialog onClose={() => setDialog(null)}
          onConfirm={(note) => { setDialog(null); onClose(note); }}
          onHandBack={() => { setDialog(null); onHandBack(); }} />
      )}
    </div>
  );
}
