// The live preview: the real widget (widget.js in preview mode, in /admin/preview.html) showing
// the builder's unsaved settings. Every change is posted to the frame; nothing is saved or sent.
import { useEffect, useRef, useState } from "react";
import type { TriggerInput } from "../types";
import type { previewConfig } from "../widgetForm";

type Config = ReturnType<typeof previewConfig>;
type Device = "desktop" | "mobile";

// A desktop-sized page (the widget's phone layout starts below 768 px), of which the corner
// the launcher sits in is shown.
const DESKTOP = { width: 820, height: 680 };
const MOBILE = { width: 375, height: 667 };
const PREVIEWED = "preview";

/** `trigger`: a proactive message whose bubble the preview shows (the Triggers tab). */
export function WidgetPreview({ config, saved, trigger = null }: { config: Config; saved: boolean; trigger?: TriggerInput | null }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [device, setDevice] = useState<Device>("desktop");
  const latest = useRef({ config, trigger });
  latest.current = { config, trigger };

  const post = () => {
    const t = latest.current.trigger;
    const triggers = t ? [{
      id: 0, name: PREVIEWED, kind: t.kind, message: t.message, open: t.open_widget, url_match: null,
      url_pattern: null, delay_s: null, scroll_pct: null, returning: false,
    }] : [];
    frame.current?.contentWindow?.postMessage({
      type: "parley-preview", config: { ...latest.current.config, triggers }, open: true,
      trigger: t ? PREVIEWED : null,
    }, location.origin);
  };

  useEffect(() => {
    const onMessage = (ev: MessageEvent) => {
      if (ev.origin !== location.origin || ev.source !== frame.current?.contentWindow) return;
      if ((ev.data as { type?: string } | null)?.type === "parley-preview-ready") post();
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);
  useEffect(post, [config, trigger]);

  const size = device === "desktop" ? DESKTOP : MOBILE;
  const left = config.position === "bottom-left";
  return (
    <section aria-labelledby="preview-h" className="card overflow-hidden">
      <div className="flex items-center justify-between border-b border-secondary-200 px-4 py-2">
        <h2 id="preview-h" className="text-sm">Live preview <span className="font-normal text-secondary-600">· {saved ? "as visitors see it" : "not saved yet"}</span></h2>
        <div role="group" aria-label="Preview size" className="flex gap-1">
          {(["desktop", "mobile"] as const).map((d) => (
            <button key={d} type="button" aria-pressed={device === d} onClick={() => setDevice(d)}
              className={`btn-sm btn ${device === d ? "bg-secondary-800 text-white" : "text-secondary-700 hover:bg-secondary-100"}`}>
              {d === "desktop" ? "Desktop" : "Phone"}
            </button>
          ))}
        </div>
      </div>
      <div className={`relative flex overflow-hidden bg-secondary-100 ${device === "mobile" ? "justify-center py-4" : ""}`}
        style={{ height: size.height + (device === "mobile" ? 32 : 0) }}>
        <iframe ref={frame} title="Widget preview" src="/admin/preview.html" data-testid="widget-preview"
          className={`border-0 bg-white ${device === "mobile" ? "rounded-xl shadow-3" : "absolute bottom-0"}`}
          style={{ width: size.width, height: size.height,
            ...(device === "desktop" ? (left ? { left: 0 } : { right: 0 }) : {}) }} />
      </div>
    </section>
  );
}
