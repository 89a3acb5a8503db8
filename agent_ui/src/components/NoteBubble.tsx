import { clock } from "../format";
import type { Note, PendingNote } from "../state/notes";

/** A note's text with its @mentions marked, by display name when the teammate is known (as
 * React text, never HTML). `names`: lower-cased username -> display name. */
export function NoteText({ text, names = {} }: { text: string; names?: Record<string, string> }) {
  const parts = text.split(/((?:^|(?<=[\s(]))@[\w.-]+)/g);
  return (
    <>
      {parts.map((p, i) => {
        if (!p.startsWith("@")) return p;
        const name = names[p.slice(1).replace(/[.-]+$/, "").toLowerCase()];
        return <strong key={i} className="font-semibold text-warning-700" title={name ? p : undefined}>
          {name ? `@${name}` : p}</strong>;
      })}
    </>
  );
}

function LockIcon() {
  return (
    <svg aria-hidden viewBox="0 0 16 16" width="12" height="12" className="fill-current text-warning-700">
      <path d="M4 7V5a4 4 0 1 1 8 0v2h1a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1h1Zm2 0h4V5a2 2 0 1 0-4 0v2Z" />
    </svg>
  );
}

/** A private note in the transcript: amber, full width, never seen by the visitor. */
export function NoteBubble({ note, names }: { note: Note; names?: Record<string, string> }) {
  return (
    <li className="my-2 flex flex-col items-stretch" data-note={note.id} data-testid="note">
      <div className="mx-auto w-full max-w-[85%] rounded-lg border border-warning bg-warning-50 px-3 py-2 text-sm text-secondary-900">
        <p className="mb-1 flex items-center gap-2 text-xs text-secondary-700">
          <LockIcon />
          <span className="font-semibold">Private note</span>
          <span>· {note.author_name}</span>
          <span>· {clock(note.created_at)}</span>
        </p>
        <p className="whitespace-pre-wrap break-words"><NoteText text={note.text} names={names} /></p>
      </div>
    </li>
  );
}

/** A note written here and not acknowledged yet (or refused). */
export function PendingNoteBubble({ note, onRetry, onDiscard }: {
  note: PendingNote; onRetry?: (id: string) => void; onDiscard?: (id: string) => void }) {
  return (
    <li className="my-2 flex flex-col items-stretch" data-pending-note={note.clientMsgId}>
      <div className={`mx-auto w-full max-w-[85%] rounded-lg border px-3 py-2 text-sm opacity-70 ${
        note.failed ? "border-error bg-error-50" : "border-warning bg-warning-50"}`}>
        <p className="mb-1 text-xs font-semibold text-secondary-700">Private note</p>
        <p className="whitespace-pre-wrap break-words">{note.text}</p>
      </div>
      {note.failed ? (
        <span className="mx-auto flex gap-2 text-xs text-error-700" role="alert">
          Not saved: {note.failed}
          {onRetry && <button type="button" className="underline" onClick={() => onRetry(note.clientMsgId)}>Retry</button>}
          {onDiscard && <button type="button" className="underline" onClick={() => onDiscard(note.clientMsgId)}>Discard</button>}
        </span>
      ) : <span className="mx-auto text-xs text-secondary-600">Saving…</span>}
    </li>
  );
}
