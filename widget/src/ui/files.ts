// A message's files on screen: images as thumbnails (fetched with the visitor token, shown as
// blob: URLs) that open full size in a viewer over the panel; other files as chips (name, size,
// type) that download through a blob and an <a download>. Names go in as text only. Files
// still uploading show a progress bar the upload chunk fills (`data-upload` names the upload).

import type { Attached } from "../types";
import { h } from "./dom";
import { t } from "./strings";

export interface FileAccess {
  /** The file or its thumbnail (a blob: URL, fetched once per page). */
  url(id: string, thumb: boolean): Promise<string>;
  /** Open an image full size. */
  view(file: Attached): void;
}

const KINDS: Record<string, string> = {
  "application/pdf": "PDF", "text/plain": "Text", "text/csv": "CSV", "application/zip": "ZIP",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
};

/** "PDF", "PNG", "Word"… */
export function kind(type: string): string {
  return KINDS[type] ?? (type.split("/")[1] ?? type).split(/[.+;-]/)[0]?.toUpperCase().slice(0, 8) ?? "File";
}

/** "820 bytes", "12 KB", "3.4 MB". */
export function fileSize(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  const mb = n / (1024 * 1024);
  return `${mb < 10 ? mb.toFixed(1) : Math.round(mb)} MB`;
}

/** Blob URLs by file, made once (a re-render shows the same image without a new fetch). */
export function blobCache(fetch: (id: string, thumb: boolean) => Promise<Blob>): (id: string, thumb: boolean) => Promise<string> {
  const made = new Map<string, Promise<string>>();
  return (id, thumb) => {
    const key = `${id}:${thumb}`;
    let url = made.get(key);
    if (!url) {
      url = fetch(id, thumb).then((blob) => URL.createObjectURL(blob));
      made.set(key, url);
      url.catch(() => made.delete(key)); // a later try fetches again
    }
    return url;
  };
}

/** Save a file of the conversation under its name. */
export async function download(file: Attached, access: FileAccess): Promise<void> {
  const a = h("a", { href: await access.url(file.id as string, false), download: file.name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
}

export function fileList(files: readonly Attached[], access: FileAccess): HTMLElement {
  return h("ul", { class: "pw-files", "aria-label": t("files.list", { n: files.length }) },
    ...files.map((f) => h("li", null, f.id && f.thumb ? thumb(f, access) : chip(f, access))));
}

function thumb(f: Attached, access: FileAccess): HTMLElement {
  const scale = f.width && f.height ? Math.min(1, 200 / f.width, 160 / f.height) : 0;
  const img = h("img", {
    alt: f.name, ...(scale ? { width: Math.round((f.width as number) * scale), height: Math.round((f.height as number) * scale) } : {}),
  });
  const button = h("button", {
    type: "button", class: "pw-thumb", title: f.name, "aria-label": t("files.open", { name: f.name }), onclick: () => access.view(f),
  }, img);
  access.url(f.id as string, true).then((url) => (img.src = url), () => button.classList.add("pw-thumb--lost"));
  return button;
}

function chip(f: Attached, access: FileAccess): HTMLElement {
  const about = `${kind(f.type)} · ${fileSize(f.size)}`;
  const parts = [h("span", { class: "pw-file-name" }, f.name), h("span", { class: "pw-file-meta" }, about)];
  if (!f.id) {
    // Uploading (or never finished): no download yet.
    return h("div", { class: "pw-file", ...(f.key ? { "data-upload": f.key } : {}) }, ...parts,
      f.key ? h("progress", { max: "1", value: "0", "aria-label": t("upload.progress", { name: f.name }) }) : null);
  }
  const button = h("button", {
    type: "button", class: "pw-file", "aria-label": t("files.download", { name: f.name, about }),
    onclick: () => {
      button.setAttribute("aria-busy", "true");
      download(f, access).catch(() => button.classList.add("pw-file--lost"))
        .finally(() => button.removeAttribute("aria-busy"));
    },
  }, ...parts);
  return button;
}

/** The viewer: one image full size over the panel, with a download button; Escape, the close
 * button or a click outside the image closes it and gives the focus back. */
export function viewer(f: Attached, access: FileAccess, close: () => void): HTMLElement {
  const img = h("img", { alt: f.name });
  const closeButton = h("button", { type: "button", class: "pw-btn pw-btn--ghost", onclick: close }, t("files.close"));
  const el = h("div", { class: "pw-viewer", role: "dialog", "aria-modal": "true", "aria-label": f.name },
    h("div", { class: "pw-viewer-img" }, img),
    h("div", { class: "pw-row" },
      h("p", { class: "pw-file-name" }, f.name),
      h("button", { type: "button", class: "pw-btn", onclick: () => void download(f, access) }, t("files.downloadButton")),
      closeButton));
  el.addEventListener("keydown", (ev) => {
    if (ev.key !== "Escape") return;
    ev.stopPropagation();
    close();
  });
  access.url(f.id as string, false).then((url) => (img.src = url), () => (img.alt = t("files.lost", { name: f.name })));
  setTimeout(() => closeButton.focus(), 0);
  return el;
}
