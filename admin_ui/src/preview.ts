// The widget preview page (/admin/preview.html), framed by the widget builder. It runs the real
// widget.js in preview mode (data-preview) and hands it the builder's unsaved config, which the
// builder posts here at every change. Same origin only, both ways.
import "./preview.css";

interface PreviewApi {
  preview?(config: unknown): void;
  open(): void;
  close(): void;
  /** The trigger chunk's: in preview mode, shows the bubble of the config's trigger of this name. */
  trigger?(name: string): void;
}

declare global {
  interface Window {
    Parley?: PreviewApi;
  }
}

let latest: { config: unknown; open: boolean; trigger: string | null } | null = null;
let opened = false;

function apply(): void {
  const parley = window.Parley;
  if (!latest || !parley?.preview) return;
  parley.preview(latest.config);
  if (latest.open && !opened) {
    opened = true;
    parley.open();
  }
  // A proactive trigger previewed (the builder's Triggers tab): its bubble, by the closed launcher.
  if (latest.trigger) parley.close();
  parley.trigger?.(latest.trigger ?? "");
}

window.addEventListener("message", (ev: MessageEvent) => {
  if (ev.origin !== location.origin || ev.source !== window.parent) return;
  const data = ev.data as { type?: string; config?: unknown; open?: boolean; trigger?: string | null } | null;
  if (data?.type !== "parley-preview" || !data.config) return;
  latest = { config: data.config, open: data.open ?? true, trigger: data.trigger ?? null };
  apply();
});
window.addEventListener("parley:load", apply);
window.addEventListener("parley:triggers", apply);
window.parent.postMessage({ type: "parley-preview-ready" }, location.origin);

// The real loader, as a site embeds it, in preview mode (added here: Vite bundles only modules).
const loader = document.createElement("script");
loader.src = "/widget.js";
loader.async = true;
loader.dataset.preview = "";
document.body.append(loader);
