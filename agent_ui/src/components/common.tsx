// Small pieces shared by the inbox's components.
import { type ReactNode, useEffect, useRef, useState } from "react";
import { initials } from "../format";

/** The current time, re-rendered every `ms` (wait timers, local times). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(id);
  }, [ms]);
  return now;
}

export function Avatar({ name, tone = "secondary" }: { name: string; tone?: "secondary" | "primary" | "ai" }) {
  const colors = { secondary: "bg-secondary-200 text-secondary-800", primary: "bg-primary-100 text-primary-700",
    ai: "bg-ai-50 text-ai-700" }[tone];
  return (
    <span aria-hidden className={`flex h-8 w-8 shrink-0 items-center justify-center rounded-circle text-xs font-semibold ${colors}`}>
      {initials(name)}
    </span>
  );
}

export function Badge({ children, tone = "secondary", title }: { children: ReactNode; title?: string;
  tone?: "secondary" | "primary" | "warning" | "error" | "success" | "ai" }) {
  const colors = { secondary: "bg-secondary-100 text-secondary-700", primary: "bg-primary text-white",
    warning: "bg-warning-50 text-warning-700", error: "bg-error-50 text-error-700",
    success: "bg-success-50 text-success-700", ai: "bg-ai-50 text-ai-700" }[tone];
  return <span title={title} className={`badge ${colors}`}>{children}</span>;
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>("textarea, input, button:not([data-close])");
    first?.focus();
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === "Escape") {
        ev.stopPropagation();
        onClose();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      previous?.focus?.();
    };
  }, [onClose]);
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/40 p-4"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} role="dialog" aria-modal="true" aria-label={title}
        className="w-full max-w-chat rounded-lg bg-white p-6 shadow-3 md:max-w-[480px]">
        <div className="mb-4 flex items-center justify-between">
          <h2 className="text-lg font-semibold">{title}</h2>
          <button type="button" data-close className="btn-ghost px-2 py-1" onClick={onClose}
            aria-label="Close">✕</button>
        </div>
        {children}
      </div>
    </div>
  );
}

export function PaperclipIcon() {
  return (
    <svg aria-hidden width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor"
      strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M21.4 11.1l-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
    </svg>
  );
}

export function FileIcon() {
  return (
    <svg aria-hidden width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor"
      strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" className="shrink-0 text-secondary-600">
      <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
      <path d="M14 2v6h6" />
    </svg>
  );
}
