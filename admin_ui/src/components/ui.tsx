// Small building blocks every page uses: fields with their error, dialogs, toasts, tabs.
import {
  type ReactNode, createContext, useCallback, useContext, useEffect, useId, useRef, useState,
} from "react";

export function Spinner({ label = "Loading" }: { label?: string }) {
  return (
    <span role="status" className="inline-flex items-center gap-2 text-sm text-secondary-600">
      <svg className="spin h-4 w-4" viewBox="0 0 24 24" aria-hidden="true">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="3" opacity="0.25" />
        <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" />
      </svg>
      {label}…
    </span>
  );
}

/** A labelled control with its hint and error; `children` gets the id and aria attributes. */
export function Field({ label, hint, error, children, className = "" }: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  className?: string;
  children: (props: { id: string; "aria-invalid": boolean; "aria-describedby"?: string }) => ReactNode;
}) {
  const id = useId();
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className={className}>
      <label htmlFor={id} className="label">{label}</label>
      {children({ id, "aria-invalid": !!error, ...(described ? { "aria-describedby": described } : {}) })}
      {hint && <p id={`${id}-hint`} className="hint">{hint}</p>}
      {error && <p id={`${id}-error`} className="error-text" role="alert">{error}</p>}
    </div>
  );
}

export function Toggle({ checked, onChange, label, description, disabled }: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  description?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <button id={id} type="button" role="switch" aria-checked={checked} disabled={disabled}
        onClick={() => onChange(!checked)}
        className={`relative mt-0.5 inline-flex h-6 w-10 shrink-0 items-center rounded-full transition-colors disabled:opacity-50 ${checked ? "bg-primary" : "bg-secondary-300"}`}>
        <span className={`inline-block h-5 w-5 rounded-full bg-white shadow-1 transition-transform ${checked ? "translate-x-4" : "translate-x-0.5"}`} />
        <span className="sr-only">{label}</span>
      </button>
      <label htmlFor={id} className="cursor-pointer">
        <span className="block text-sm font-medium text-secondary-900">{label}</span>
        {description && <span className="block text-xs text-secondary-600">{description}</span>}
      </label>
    </div>
  );
}

/** A modal dialog: focus moves in, Escape or the backdrop closes it, focus returns after. */
export function Dialog({ title, onClose, children, footer, wide = false }: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>(
      "input, textarea, select, button:not([data-close])");
    (first ?? ref.current)?.focus();
    return () => before?.focus?.();
  }, []);
  const onKey = (ev: React.KeyboardEvent) => {
    if (ev.key === "Escape") {
      ev.stopPropagation();
      onClose();
    }
    if (ev.key === "Tab" && ref.current) {
      const items = [...ref.current.querySelectorAll<HTMLElement>(
        "button:not([disabled]), a[href], input:not([disabled]), select, textarea, [tabindex='0']")];
      const first = items[0];
      const last = items[items.length - 1];
      if (ev.shiftKey && document.activeElement === first) {
        ev.preventDefault();
        last?.focus();
      } else if (!ev.shiftKey && document.activeElement === last) {
        ev.preventDefault();
        first?.focus();
      }
    }
  };
  return (
    <div className="fixed inset-0 z-50 flex items-end justify-center bg-black/40 p-0 md:items-center md:p-6"
      onMouseDown={(ev) => ev.target === ev.currentTarget && onClose()}>
      <div ref={ref} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1}
        onKeyDown={onKey}
        className={`max-h-full w-full overflow-auto rounded-t-lg bg-white shadow-3 md:rounded-lg ${wide ? "md:max-w-content" : "md:max-w-md"}`}>
        <div className="flex items-center justify-between border-b border-secondary-200 px-5 py-4">
          <h2 id={titleId}>{title}</h2>
          <button type="button" data-close className="btn-ghost btn-sm" onClick={onClose} aria-label="Close">✕</button>
        </div>
        <div className="px-5 py-4">{children}</div>
        {footer && <div className="flex justify-end gap-2 border-t border-secondary-200 px-5 py-3">{footer}</div>}
      </div>
    </div>
  );
}

/** "Are you sure?" with the consequence spelled out; the action runs once, errors shown inside. */
export function ConfirmDialog({ title, body, confirm, onConfirm, onClose, danger = true, typeToConfirm }: {
  title: string;
  body: ReactNode;
  confirm: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  danger?: boolean;
  typeToConfirm?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [typed, setTyped] = useState("");
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  const blocked = typeToConfirm !== undefined && typed.trim() !== typeToConfirm;
  return (
    <Dialog title={title} onClose={onClose} footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="button" className={danger ? "btn-danger" : "btn-primary"} disabled={busy || blocked}
        onClick={() => void run()}>{busy ? "Working…" : confirm}</button>
    </>}>
      <div className="space-y-3 text-sm text-secondary-800">{body}</div>
      {typeToConfirm !== undefined && (
        <Field label={<>Type <strong>{typeToConfirm}</strong> to confirm</>} className="mt-4">
          {(p) => <input {...p} className="field" value={typed} onChange={(e) => setTyped(e.target.value)} />}
        </Field>
      )}
      {error && <p role="alert" className="error-text mt-3">{error}</p>}
    </Dialog>
  );
}

interface Toast { id: number; text: string; kind: "ok" | "error" }
const ToastContext = createContext<(text: string, kind?: Toast["kind"]) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback((text: string, kind: Toast["kind"] = "ok") => {
    const id = next.current++;
    setToasts((t) => [...t.slice(-2), { id, text, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 4000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="pointer-events-none fixed bottom-4 left-1/2 z-50 flex -translate-x-1/2 flex-col items-center gap-2"
        aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} role={t.kind === "error" ? "alert" : "status"}
            className={`pointer-events-auto rounded px-4 py-2 text-sm text-white shadow-2 ${t.kind === "error" ? "bg-error" : "bg-secondary-900"}`}>
            {t.text}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}

export function Tabs<T extends string>({ tabs, current, onChange, label, marks = {} }: {
  tabs: { id: T; label: string }[];
  current: T;
  onChange: (id: T) => void;
  label: string;
  marks?: Partial<Record<T, boolean>>;
}) {
  return (
    <div role="tablist" aria-label={label} className="flex flex-wrap gap-x-1 border-b border-secondary-200 px-2">
      {tabs.map((t) => (
        <button key={t.id} type="button" role="tab" aria-selected={t.id === current}
          id={`tab-${t.id}`} aria-controls={`panel-${t.id}`}
          onClick={() => onChange(t.id)}
          className={`-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${t.id === current ? "border-primary text-primary-700" : "border-transparent text-secondary-600 hover:text-secondary-900"}`}>
          {t.label}
          {marks[t.id] && <span className="ml-1 inline-block h-2 w-2 rounded-full bg-error" aria-label="has errors" />}
        </button>
      ))}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="card flex flex-col items-center gap-2 px-6 py-12 text-center">
      <h2>{title}</h2>
      {children && <div className="max-w-md text-sm text-secondary-600">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

export function ErrorNote({ error, retry }: { error: unknown; retry?: () => void }) {
  if (!error) return null;
  return (
    <div role="alert" className="flex items-center justify-between gap-3 rounded border border-error bg-error-50 px-4 py-3 text-sm text-error-700">
      <span>{error instanceof Error ? error.message : String(error)}</span>
      {retry && <button type="button" className="btn-secondary btn-sm" onClick={retry}>Try again</button>}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-secondary-600">{subtitle}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}
