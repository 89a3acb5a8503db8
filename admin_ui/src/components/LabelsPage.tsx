// Labels, for admins: the coloured tags agents put on conversations. Create, rename, recolour
// and delete (the confirmation says how many conversations carry the label). Colours come from
// a fixed palette whose every chip is readable.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import * as api from "../api";
import type { Label, LabelColor, LabelList } from "../types";
import { ConfirmDialog, Dialog, EmptyState, ErrorNote, Field, PageHeader, Spinner, useToast } from "./ui";

type Listed = LabelList["labels"][number];
type Colors = LabelList["colors"];

export function LabelChip({ label }: { label: Pick<Label, "name" | "background" | "text"> }) {
  return <span className="badge" style={{ backgroundColor: label.background, color: label.text }}>{label.name}</span>;
}

export function LabelsPage() {
  const [data, setData] = useState<LabelList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<Listed | "new" | null>(null);
  const [deleting, setDeleting] = useState<Listed | null>(null);
  const toast = useToast();

  const load = useCallback(async () => {
    try {
      setData(await api.listLabels());
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => void load(), [load]);

  if (error) return <ErrorNote error={error} retry={() => void load()} />;
  if (!data) return <Spinner />;
  const count = (n: number) => `${n} conversation${n === 1 ? "" : "s"}`;

  return (
    <div className="max-w-4xl">
      <PageHeader title="Labels" subtitle="Agents tag conversations with these, and filter the inbox and the history by them."
        actions={<button type="button" className="btn-primary" onClick={() => setEditing("new")}>New label</button>} />
      {data.labels.length === 0 ? (
        <EmptyState title="No labels yet">Add labels such as “VIP”, “Bug” or “Refund” for agents to tag conversations.</EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="labels-table">
            <thead>
              <tr><th scope="col">Label</th><th scope="col">Used on</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {data.labels.map((l) => (
                <tr key={l.id} data-label={l.name}>
                  <td><LabelChip label={l} /></td>
                  <td className="text-sm text-secondary-700">{count(l.conversations ?? 0)}</td>
                  <td className="whitespace-nowrap text-right">
                    <button type="button" className="btn-ghost btn-sm" onClick={() => setEditing(l)}
                      aria-label={`Edit ${l.name}`}>Edit</button>
                    <button type="button" className="btn-ghost btn-sm text-error-700" onClick={() => setDeleting(l)}
                      aria-label={`Delete ${l.name}`}>Delete</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <LabelDialog label={editing === "new" ? null : editing} colors={data.colors} onClose={() => setEditing(null)}
          onSaved={(l, created) => {
            toast(created ? `Label “${l.name}” added.` : `Label “${l.name}” saved.`);
            void load();
          }} />
      )}
      {deleting && (
        <ConfirmDialog title={`Delete the label “${deleting.name}”?`} confirm="Delete label"
          body={<p data-testid="delete-label-impact">{(deleting.conversations ?? 0) > 0
            ? `It is on ${count(deleting.conversations ?? 0)}; it will be taken off all of them.`
            : "No conversation carries it."} Saved views that filter by it will match nothing.</p>}
          onConfirm={async () => {
            await api.deleteLabel(deleting.id);
            toast(`Label “${deleting.name}” deleted.`);
            void load();
          }} onClose={() => setDeleting(null)} />
      )}
    </div>
  );
}

function LabelDialog({ label, colors, onClose, onSaved }: {
  label: Listed | null;
  colors: Colors;
  onClose: () => void;
  onSaved: (label: Label, created: boolean) => void;
}) {
  const [name, setName] = useState(label?.name ?? "");
  const [color, setColor] = useState<LabelColor>(label?.color ?? colors[0]?.color ?? "gray");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosen = colors.find((c) => c.color === color) ?? colors[0];

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    if (!name.trim()) {
      setError("A label needs a name.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = label ? await api.updateLabel(label.id, { name: name.trim(), color })
        : await api.createLabel(name.trim(), color);
      onSaved(saved, !label);
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={label ? `Edit “${label.name}”` : "New label"} onClose={onClose} footer={<>
      <button type="button" className="btn-secondary" onClick={onClose}>Cancel</button>
      <button type="submit" form="label-form" className="btn-primary" disabled={busy}>{busy ? "Saving…" : label ? "Save" : "Add label"}</button>
    </>}>
      <form id="label-form" className="space-y-4" onSubmit={(ev) => void submit(ev)}>
        <Field label="Name" hint="Up to 40 characters; unique whatever the case." error={error ?? undefined}>
          {(p) => <input {...p} className="field" maxLength={40} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset>
          <legend className="label">Colour</legend>
          <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Colour">
            {colors.map((c) => (
              <label key={c.color} className="cursor-pointer">
                <input type="radio" name="label-color" className="peer sr-only" value={c.color}
                  checked={color === c.color} onChange={() => setColor(c.color)} aria-label={c.color} />
                <span className="badge inline-block ring-offset-2 peer-checked:ring-2 peer-checked:ring-primary peer-focus-visible:ring-2 peer-focus-visible:ring-primary-300"
                  style={{ backgroundColor: c.background, color: c.text }}>{c.color}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {chosen && (
          <p className="text-sm text-secondary-700">Preview: <LabelChip label={{ name: name.trim() || "Label", background: chosen.background, text: chosen.text }} /></p>
        )}
      </form>
    </Dialog>
  );
}
