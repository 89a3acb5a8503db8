import type { Label } from "../types";

/** A conversation's labels as coloured chips (the palette's pairs are readable by design). */
export function LabelChips({ labels }: { labels: Label[] }) {
  if (labels.length === 0) return null;
  return (
    // Spans, not a <ul>: the chips also sit inside list buttons (phrasing content only).
    <span role="list" aria-label="Labels" className="flex flex-wrap items-center gap-1" data-testid="label-chips">
      {labels.map((l) => (
        <span role="listitem" key={l.id} className="badge max-w-[12rem] truncate" data-testid="label-chip"
          style={{ backgroundColor: l.background, color: l.text }} title={l.name}>{l.name}</span>
      ))}
    </span>
  );
}
