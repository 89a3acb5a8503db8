import type { Toast } from "../useInbox";

export function Toasts({ toasts, onDrop }: { toasts: Toast[]; onDrop: (id: number) => void }) {
  return (
    <div aria-live="polite" className="pointer-events-none fixed right-4 top-16 z-50 flex w-[320px] flex-col gap-2">
      {toasts.map((t) => (
        <div key={t.id} role={t.tone === "error" ? "alert" : "status"}
          className={`pointer-events-auto flex items-start gap-2 rounded px-4 py-3 text-sm shadow-2 ${
            t.tone === "error" ? "bg-error text-white" : t.tone === "success" ? "bg-success text-white"
              : "bg-secondary-800 text-white"}`}>
          <span className="flex-1">{t.text}</span>
          <button type="button" aria-label="Dismiss" className="opacity-80 hover:opacity-100"
            onClick={() => onDrop(t.id)}>✕</button>
        </div>
      ))}
    </div>
  );
}
