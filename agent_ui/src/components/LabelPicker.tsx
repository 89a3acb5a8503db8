import { useEffect, useId, useRef, useState } from "react";
import type { Label } from "../types";

interface Props {
  /** Every label. */
  catalog: Label[];
  /** The conversation's labels now. */
  current: Label[];
  /** Who the conversation is with (the button's accessible name). */
  who: string;
  onOpen: () => void;
  onToggle: (labelId: number, on: boolean) => Promise<void>;
}

/** A "Labels" button opening a list of every label with a checkbox each: ticking one puts it
 * on the conversation, unticking takes it off (every open inbox sees the change). */
export function LabelPicker({ catalog, current, who, onOpen, onToggle }: Props) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);
  // The box as ticked while the server answers (then the conversation's labels decide).
  const [ticked, setTicked] = useState<Record<number, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return undefined;
    ref.current?.querySelector<HTMLInputElement>("input[type=checkbox]")?.focus();
    const onDown = (ev: MouseEvent) => {
      if (ref.current && !ref.current.contains(ev.target as Node)) setOpen(false);
    };
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        setOpen(false);
        ref.current?.querySelector<HTMLButtonElement>("button")?.focus();
      }
    };
    document.addEventListener("mousedown", onDown);
    window.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("mousedown", onDown);
      window.removeEventListener("keydown", onKey, true);
    };
  }, [open]);

  const on = new Set(current.map((l) => l.id));
  const toggle = async (label: Label) => {
    const want = !on.has(label.id);
    setBusy(label.id);
    setTicked((t) => ({ ...t, [label.id]: want }));
    setError(null);
    try {
      await onToggle(label.id, want);
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not change the labels");
    } finally {
      setBusy(null);
      setTicked((t) => {
        const next = { ...t };
        delete next[label.id];
        return next;
      });
    }
  };

  return (
    <div ref={ref} className="relative">
      <button type="button" className="btn-secondary px-2 py-1 text-xs" aria-expanded={open}
        aria-controls={id} aria-label={`Labels of the chat with ${who}`}
        onClick={() => {
          if (!open) onOpen();
          setOpen(!open);
        }}>
        <svg aria-hidden width="12" height="12" viewBox="0 0 24 24" className="mr-1 inline-block">
          <path fill="currentColor" d="M21.4 11.6 12.4 2.6A2 2 0 0 0 11 2H4a2 2 0 0 0-2 2v7c0 .55.22 1.05.59 1.42l9 9a2 2 0 0 0 2.82 0l7-7a2 2 0 0 0 0-2.82zM5.5 7A1.5 1.5 0 1 1 7 5.5 1.5 1.5 0 0 1 5.5 7z" />
        </svg>Labels</button>
      {open && (
        <div id={id} role="group" aria-label={`Labels of the chat with ${who}`}
          className="absolute right-0 z-30 mt-1 w-56 rounded-md border border-secondary-200 bg-white p-2 shadow-2">
          {catalog.length === 0 && <p className="p-2 text-sm text-secondary-600">No labels yet: an admin adds them.</p>}
          <ul className="max-h-64 overflow-y-auto">
            {catalog.map((l) => (
              <li key={l.id}>
                <label className="flex cursor-pointer items-center gap-2 rounded px-2 py-1 hover:bg-secondary-50">
                  <input type="checkbox" checked={ticked[l.id] ?? on.has(l.id)} disabled={busy !== null}
                    onChange={() => void toggle(l)} />
                  <span className="badge" style={{ backgroundColor: l.background, color: l.text }}>{l.name}</span>
                </label>
              </li>
            ))}
          </ul>
          {error && <p role="alert" className="p-2 text-xs text-error-700">{error}</p>}
        </div>
      )}
    </div>
  );
}
