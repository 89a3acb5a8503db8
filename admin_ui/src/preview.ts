// The widget preview page (/admin/preview.html), framed by the widget builder. It runs the real
// widget.js in preview mode (data-preview) and hands it the builder's unsaved config, which the
// builder posts here at every change. Same origin only, both ways.
import "./preview.css";

interface PreviewApi {
  preview?(config: unknown): void;
  open(): void;
}

declare global {
  interface Window {
    Parley?: PreviewApi;
  }
}

let latest: { config: unknown; open: boolean } | null = null;
let opened = false;

function apply(): void {
  const parley = window.Parley;
  if (!latest || !parley?.preview) return;
  parley.preview(latest.config);
  if (latest.open && !opened) {
    opened = true;
    parley.open();
  }
}

window.addEventListener("message", (ev: MessageEvent) => {
  if (ev.origin !== location.origin || ev.source !== window.parent) return;
  const data = ev.data as { type?: string; config?: unknown; open?: boolean } | null;
  if (data?.type !== "parley-preview" || !data.config) return;
  latest = { config: data.config, open: data.open ?? true };
  apply();
});
window.addEventListener("parley:load", apply);
window.parent.postMessage({ type: "parley-preview-ready" }, location.origin);

// The real loader, as a site embeds it, in preview mode (added here: Vite bundles only modules).
const loader = document.createElement("script");
loader.src = "/widget.js";
loader.async = true;
loader.dataset.preview = "";
document.body.append(loader);
