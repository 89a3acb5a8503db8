import type { InboxFilter } from "../state/labels";
import type { Label } from "../types";

interface Props {
  filter: InboxFilter;
  widgets: [string, string][];
  labels: Label[];
  hidden: number;
  onChange: (filter: InboxFilter) => void;
}

/** Narrow the waiting list and the agent's chats to one widget and/or one label. */
export function InboxFilterBar({ filter, widgets, labels, hidden, onChange }: Props) {
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-secondary-200 px-4 py-2" data-testid="inbox-filter">
      <label className="sr-only" htmlFor="inbox-filter-widget">Widget</label>
      <select id="inbox-filter-widget" className="field min-w-0 flex-1 py-1 text-sm" value={filter.widget ?? ""}
        onChange={(e) => onChange({ ...filter, widget: e.target.value || null })}>
        <option value="">All widgets</option>
        {widgets.map(([key, name]) => <option key={key} value={key}>{name}</option>)}
      </select>
      <label className="sr-only" htmlFor="inbox-filter-label">Label</label>
      <select id="inbox-filter-label" className="field min-w-0 flex-1 py-1 text-sm" value={filter.label ?? ""}
        onChange={(e) => onChange({ ...filter, label: e.target.value ? Number(e.target.value) : null })}>
        <option value="">All labels</option>
        {labels.map((l) => <option key={l.id} value={l.id}>{l.name}</option>)}
      </select>
      {hidden > 0 && (
        <p className="w-full text-xs text-secondary-600" role="status">
          {hidden} hidden by the filter · <button type="button" className="underline"
            onClick={() => onChange({ label: null, widget: null })}>Show all</button>
        </p>
      )}
    </div>
  );
}
