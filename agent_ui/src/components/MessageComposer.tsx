import {
  type ClipboardEvent, type KeyboardEvent, forwardRef, useEffect, useLayoutEffect, useImperativeHandle, useRef, useState,
} from "react";
import { matchTeammates, mentionQuery } from "../state/notes";
import type { Upload } from "../state/uploads";
import type { CannedResponse, TeamMember } from "../types";
import { CannedPicker, matchCanned } from "./CannedPicker";
import { MentionPicker } from "./MentionPicker";
import { UploadList } from "./UploadList";
import { PaperclipIcon } from "./common";

interface Props {
  sessionId: string;
  siteKey: string;
  canned: CannedResponse[];
  initialDraft: string;
  disabled?: boolean;
  maxLength?: number;
  onDraft: (text: string) => void;
  /** The text (the caption when files are attached) and the staged files' upload keys. */
  onSend: (text: string, uploadKeys: string[]) => void;
  onTyping: (on: boolean) => void;
  /** Files attached to this chat and not sent yet (uploading, uploaded or failed). */
  staged?: Upload[];
  onAttach?: (files: File[]) => void;
  onCancelUpload?: (key: string) => void;
  /** Private notes: with it, a Reply / Private note switch; a note goes here, never to the
   * visitor (and sends no typing signal). */
  onNote?: (text: string) => void;
  /** Teammates to @mention in a note. */
  teammates?: TeamMember[];
  /** Only notes can be written (a conversation read, not answered, by this agent). */
  noteOnly?: boolean;
  /** A canned response's text with its variables filled in for this conversation. */
  fill?: (text: string) => string;
}

export interface ComposerHandle {
  focus(): void;
}

/** The token being typed at the caret when it is a "/shortcut". */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\w-]*)$/.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** A name for a pasted screenshot (browsers call them all "image.png"). */
export function pastedName(type: string, now: Date, index = 0): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, "-");
  return `pasted-${stamp}${index ? `-${index}` : ""}.${type.split("/")[1] ?? "png"}`;
}

/** Enter sends, Shift+Enter adds a line; "/" opens the canned responses. */
export const MessageComposer = forwardRef<ComposerHandle, Props>(function MessageComposer(
  { sessionId, siteKey, canned, initialDraft, disabled = false, maxLength = 4000, onDraft, onSend,
    onTyping, staged = [], onAttach, onCancelUpload, onNote, teammates = [], noteOnly = false,
    fill }, handle) {
  const [text, setText] = useState(initialDraft);
  const [mode, setMode] = useState<"reply" | "note">(noteOnly ? "note" : "reply");
  const noting = mode === "note" && onNote !== undefined;
  const [at, setAt] = useState<{ start: number; query: string } | null>(null);
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  useImperativeHandle(handle, () => ({ focus: () => ref.current?.focus() }), []);

  const items = slash ? matchCanned(canned, siteKey, slash.query) : [];
  const people = at ? matchTeammates(teammates, at.query) : [];

  // The caret after an inserted mention or canned reply, placed as soon as the text is on the
  // page, before the next key is handled (a frame later, a fast typist's key would land
  // before it and the caret would jump back over it).
  const caretAfter = useRef<number | null>(null);
  useLayoutEffect(() => {
    const pos = caretAfter.current;
    if (pos === null || !ref.current) return;
    caretAfter.current = null;
    ref.current.focus();
    ref.current.setSelectionRange(pos, pos);
  }, [text]);

  // Grow with the text, up to about six lines.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = "auto";
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  function update(value: string, caret: number) {
    setText(value);
    onDraft(value);
    const q = slashQuery(value, caret);
    setSlash(noting ? null : q);
    setAt(noting ? mentionQuery(value, caret) : null);
    setActive(0);
    if (!noting) onTyping(value.trim() !== "");
  }

  function mention(t: TeamMember) {
    if (!at) return;
    const caret = ref.current?.selectionStart ?? text.length;
    const inserted = `@${t.username} `;
    const value = text.slice(0, at.start) + inserted + text.slice(caret);
    const pos = at.start + inserted.length;
    caretAfter.current = pos;
    setText(value);
    onDraft(value);
    setAt(null);
  }

  function insert(c: CannedResponse) {
    if (!slash) return;
    const caret = ref.current?.selectionStart ?? text.length;
    const body = fill ? fill(c.text) : c.text;
    const value = text.slice(0, slash.start) + body + text.slice(caret);
    const pos = slash.start + body.length;
    caretAfter.current = pos;
    setText(value);
    onDraft(value);
    setSlash(null);
  }

  const failedFile = staged.some((u) => u.status === "failed");

  function submit() {
    const value = text.trim();
    if (noting) {
      if (!value || value.length > maxLength || disabled) return;
      onNote?.(value);
      setText("");
      onDraft("");
      setAt(null);
      return;
    }
    if ((!value && staged.length === 0) || disabled || failedFile) return;
    if (value.length > maxLength) return;
    onSend(value, staged.map((u) => u.key));
    setText("");
    onDraft("");
    setSlash(null);
    onTyping(false);
  }

  function onKeyDown(ev: KeyboardEvent<HTMLTextAreaElement>) {
    if (ev.nativeEvent.isComposing) return;
    if (at) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        const n = Math.max(people.length, 1);
        setActive((a) => (a + (ev.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if ((ev.key === "Enter" || ev.key === "Tab") && people[active] && !ev.shiftKey) {
        ev.preventDefault();
        mention(people[active]!);
        return;
      }
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        setAt(null);
        return;
      }
    }
    if (slash) {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        const n = Math.max(items.length, 1);
        setActive((a) => (a + (ev.key === "ArrowDown" ? 1 : n - 1)) % n);
        return;
      }
      if ((ev.key === "Enter" || ev.key === "Tab") && items[active] && !ev.shiftKey) {
        ev.preventDefault();
        insert(items[active]!);
        return;
      }
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        setSlash(null);
        return;
      }
    }
    if (ev.key === "Enter" && !ev.shiftKey && !ev.altKey) {
      ev.preventDefault();
      submit();
    } else if (ev.key === "Escape") {
      ref.current?.blur();
    }
  }

  /** A pasted screenshot (or copied files) is attached. Text is left to the textarea, even
   * when the clipboard also holds a picture of it (as office programs put there). */
  function onPaste(ev: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...ev.clipboardData.files];
    if (files.length === 0 || !onAttach || ev.clipboardData.getData("text/plain")) return;
    ev.preventDefault();
    onAttach(files.map((f, i) => (f.name && f.name !== "image.png" ? f
      : new File([f], pastedName(f.type, new Date(), i), { type: f.type }))));
  }

  const over = text.trim().length > maxLength;
  return (
    <div className={`relative border-t px-4 py-3 ${noting ? "border-warning bg-warning-50" : "border-secondary-200 bg-white"}`}
      data-mode={noting ? "note" : "reply"}>
      {slash && <CannedPicker items={items} active={active} query={slash.query} onPick={insert} onHover={setActive} />}
      {at && <MentionPicker items={people} active={active} query={at.query} onPick={mention} onHover={setActive} />}
      {onNote && (
        <div className="mx-auto mb-2 flex max-w-content items-center gap-2 text-xs">
          <div role="tablist" aria-label="Write a reply or a private note" className="inline-flex rounded border border-secondary-200 bg-white p-0.5">
            {!noteOnly && (
              <button type="button" role="tab" aria-selected={!noting} data-testid="mode-reply"
                className={`min-h-[44px] rounded px-3 py-1 md:min-h-0 md:px-2 ${!noting ? "bg-primary-600 text-white" : "text-secondary-700"}`}
                onClick={() => { setMode("reply"); setAt(null); ref.current?.focus(); }}>Reply</button>
            )}
            <button type="button" role="tab" aria-selected={noting} data-testid="mode-note"
              className={`min-h-[44px] rounded px-3 py-1 md:min-h-0 md:px-2 ${noting ? "bg-warning text-secondary-900" : "text-secondary-700"}`}
              onClick={() => { setMode("note"); setSlash(null); onTyping(false); ref.current?.focus(); }}>Private note</button>
          </div>
          {noting && <span className="text-warning-700" data-testid="note-hint">Private note — only your team sees this. Type @ to mention a teammate.</span>}
        </div>
      )}
      <UploadList className="mx-auto mb-2 max-w-content" onCancel={onCancelUpload} testId="composer-files"
        items={staged.map((u) => ({ key: u.key, name: u.name, size: u.size, upload: u, done: u.status === "done" }))} />
      <div className="mx-auto flex max-w-content items-end gap-2">
        {onAttach && !noting && (
          <>
            <input ref={picker} type="file" multiple hidden data-testid="attach-input"
              onChange={(e) => {
                onAttach([...(e.target.files ?? [])]);
                e.target.value = "";
              }} />
            <button type="button" className="btn-ghost h-10 px-2" aria-label="Attach files" title="Attach files"
              disabled={disabled} onClick={() => picker.current?.click()}><PaperclipIcon /></button>
          </>
        )}
        <label className="sr-only" htmlFor={`composer-${sessionId}`}>Message</label>
        <textarea id={`composer-${sessionId}`} ref={ref} rows={1} value={text} disabled={disabled}
          data-testid="composer"
          placeholder={disabled ? "This conversation has ended." : noting
            ? "Write a private note…   @ to mention a teammate" : "Write a reply…   / for canned responses"}
          className="field min-h-[40px] resize-none"
          onChange={(e) => update(e.target.value, e.target.selectionStart)}
          onKeyDown={onKeyDown} onPaste={onPaste}
          onBlur={() => onTyping(false)} />
        <button type="button" className={`${noting ? "btn-secondary" : "btn-primary"} h-10 whitespace-nowrap`} onClick={submit}
          disabled={disabled || (!text.trim() && (noting || staged.length === 0)) || over || (failedFile && !noting)}>
          {noting ? "Add note" : "Send"}</button>
      </div>
      {failedFile && <p className="mx-auto mt-1 max-w-content text-xs text-error-700">Remove the files that could not be uploaded to send.</p>}
      {over && <p className="mx-auto mt-1 max-w-content text-xs text-error-700">Messages are at most {maxLength} characters.</p>}
    </div>
  );
});
