// Files on their way: in the composer before sending, and under a message waiting for its
// uploads. Each shows its name, size and progress, and can be cancelled or removed.

import { fileSize } from "../format";
import { type Upload, percent } from "../state/uploads";

export interface UploadItem {
  key: string;
  name: string;
  size: number;
  /** Unknown (after a reload) when the upload is no longer tracked. */
  upload: Upload | null;
  done: boolean;
}

export function UploadList({ items, onCancel, className = "", testId = "uploads" }: {
  items: UploadItem[];
  onCancel?: (key: string) => void;
  className?: string;
  testId?: string;
}) {
  if (items.length === 0) return null;
  return (
    <ul className={`flex flex-wrap gap-2 ${className}`} data-testid={testId} aria-label="Attached files">
      {items.map(({ key, name, size, upload, done }) => {
        const failed = upload?.status === "failed";
        const pct = done ? 100 : upload ? percent(upload) : 0;
        return (
          <li key={key} data-upload={upload?.status ?? (done ? "done" : "unknown")}
            className={`flex max-w-[260px] items-center gap-2 rounded-lg border px-2 py-1 text-xs ${
              failed ? "border-error bg-error-50 text-error-700" : "border-secondary-200 bg-white text-secondary-800"}`}>
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium">{name}</span>
              {failed ? <span className="block" role="alert">{upload?.error}</span> : (
                <span className="flex items-center gap-1">
                  <span className="text-secondary-600">{fileSize(size)}</span>
                  {!done && (
                    <span role="progressbar" aria-label={`Uploading ${name}`} aria-valuemin={0} aria-valuemax={100}
                      aria-valuenow={pct} className="h-1 w-16 overflow-hidden rounded-full bg-secondary-200">
                      <span className="block h-full bg-primary" style={{ width: `${pct}%` }} />
                    </span>
                  )}
                  {done && <span className="text-success-700">✓</span>}
                </span>
              )}
            </span>
            {onCancel && (
              <button type="button" className="btn-ghost px-1 py-0"
                aria-label={done || failed ? `Remove ${name}` : `Cancel upload of ${name}`}
                onClick={() => onCancel(key)}>✕</button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
