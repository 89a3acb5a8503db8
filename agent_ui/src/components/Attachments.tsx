// The files of a message: images as thumbnails that open full size, other files as chips
// that download. Every byte is fetched with the agent's token (api.fileBlob) and shown
// through a blob: URL; file names are React text, never HTML.

import { useEffect, useRef, useState } from "react";
import * as api from "../api";
import { fileKind, fileSize } from "../format";
import type { MessageFile } from "../types";
import { FileIcon } from "./common";

/** A blob: URL of a file (or its thumbnail), revoked when no longer shown. */
function useBlobUrl(token: string, fileId: string, thumb: boolean): { url: string | null; failed: boolean } {
  const [state, setState] = useState<{ url: string | null; failed: boolean }>({ url: null, failed: false });
  useEffect(() => {
    let live = true;
    let url: string | null = null;
    api.fileBlob(token, fileId, thumb).then((blob) => {
      url = URL.createObjectURL(blob);
      if (live) setState({ url, failed: false });
      else URL.revokeObjectURL(url);
    }).catch(() => live && setState({ url: null, failed: true }));
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [token, fileId, thumb]);
  return state;
}

/** Save a file under its name: fetched with the token, handed to the browser as a blob. */
export async function downloadFile(token: string, file: MessageFile): Promise<void> {
  const blob = await api.fileBlob(token, file.id);
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = file.name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function Lightbox({ token, file, onClose }: { token: string; file: MessageFile; onClose: () => void }) {
  const { url, failed } = useBlobUrl(token, file.id, false);
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    close.current?.focus();
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        onClose();
      } else if (ev.key === "Tab") {
        ev.preventDefault(); // two buttons: keep focus inside the dialog
        const buttons = [...document.querySelectorAll<HTMLElement>("[data-lightbox] button")];
        const at = buttons.indexOf(document.activeElement as HTMLElement);
        buttons[(at + (ev.shiftKey ? buttons.length - 1 : 1)) % buttons.length]?.focus();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-50 flex flex-col bg-black/80 p-4" role="dialog" aria-modal="true"
      aria-label={file.name} data-lightbox data-testid="lightbox"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="mb-2 flex items-center gap-2 text-white">
        <span className="min-w-0 flex-1 truncate text-sm">{file.name}</span>
        <button type="button" className="btn-secondary" onClick={() => void downloadFile(token, file)}>Download</button>
        <button type="button" ref={close} className="btn-secondary" aria-label="Close" onClick={onClose}>✕</button>
      </div>
      <div className="flex min-h-0 flex-1 items-center justify-center"
        onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
        {url ? <img src={url} alt={file.name} data-testid="lightbox-image" className="max-h-full max-w-full object-contain" />
          : <p className="text-white">{failed ? "The image could not be loaded." : "Loading…"}</p>}
      </div>
    </div>
  );
}

function ImagePreview({ token, file }: { token: string; file: MessageFile }) {
  const { url, failed } = useBlobUrl(token, file.id, true);
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="block overflow-hidden rounded-lg border border-secondary-200 bg-secondary-50"
        aria-label={`Open ${file.name} full size`} data-testid="image-preview" onClick={() => setOpen(true)}>
        {url ? <img src={url} alt={file.name} className="max-h-48 max-w-[240px] object-contain" />
          : <span className="block px-3 py-6 text-xs text-secondary-600">{failed ? file.name : "Loading…"}</span>}
      </button>
      {open && <Lightbox token={token} file={file} onClose={() => setOpen(false)} />}
    </>
  );
}

export function FileChip({ token, file }: { token: string; file: MessageFile }) {
  const [error, setError] = useState(false);
  return (
    <button type="button" data-testid="file-chip" title={`Download ${file.name}`}
      className="flex max-w-[280px] items-center gap-2 rounded-lg border border-secondary-200 bg-white px-3 py-2 text-left text-sm text-secondary-900 hover:bg-secondary-50"
      onClick={() => downloadFile(token, file).then(() => setError(false), () => setError(true))}>
      <FileIcon />
      <span className="min-w-0">
        <span className="block truncate font-medium">{file.name}</span>
        <span className="block text-xs text-secondary-600">
          {fileSize(file.size)} · {fileKind(file.type)}{error ? " · download failed" : ""}
        </span>
      </span>
    </button>
  );
}

/** A message's files, under or instead of its text. */
export function MessageFiles({ token, files, mine }: { token: string; files: MessageFile[]; mine: boolean }) {
  return (
    <ul className={`mt-1 flex max-w-[75%] flex-wrap gap-2 ${mine ? "justify-end" : ""}`} data-testid="message-files">
      {files.map((f) => (
        <li key={f.id}>{f.thumb ? <ImagePreview token={token} file={f} /> : <FileChip token={token} file={f} />}</li>
      ))}
    </ul>
  );
}
