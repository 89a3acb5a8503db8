import type { Mention } from "../state/notes";
import { NoteText } from "./NoteBubble";

interface Props {
  mentions: Mention[];
  onOpen: (sessionId: string) => void;
  onDismiss: (sessionId: string) => void;
  teamNames?: Record<string, string>;
}

/** "<teammate> mentioned you": one notice per conversation, until opened or dismissed. */
export function MentionNotices({ mentions, onOpen, onDismiss, teamNames }: Props) {
  if (mentions.length === 0) return null;
  return (
    <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-[340px] flex-col gap-2"
      data-testid="mentions">
      {mentions.map((m) => (
        <div key={m.note.id} role="status" data-testid="mention"
          className="pointer-events-auto rounded-lg border border-warning bg-warning-50 px-4 py-3 text-sm shadow-2">
          <p className="font-semibold">{m.note.author_name} mentioned you</p>
          <p className="mt-1 line-clamp-3 whitespace-pre-wrap break-words text-secondary-800"><NoteText text={m.note.text} names={teamNames} /></p>
          <div className="mt-2 flex gap-2">
            <button type="button" className="btn-primary px-3 py-1 text-xs" onClick={() => onOpen(m.sessionId)}>
              Open the conversation</button>
            <button type="button" className="btn-ghost px-3 py-1 text-xs" onClick={() => onDismiss(m.sessionId)}>
              Dismiss</button>
          </div>
        </div>
      ))}
    </div>
  );
}
