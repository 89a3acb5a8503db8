// The pre-chat form's fields: what the visitor is asked before the chat starts.
import type { FieldType, PrechatField } from "../types";
import { MAX_PRECHAT_FIELDS, errorsUnder, fieldName, newField } from "../widgetForm";
import { Field } from "./ui";

const TYPES: { id: FieldType; label: string }[] = [
  { id: "text", label: "Text" }, { id: "email", label: "Email" }, { id: "tel", label: "Phone" },
  { id: "textarea", label: "Long text" }, { id: "select", label: "Choice" },
];

const PRESETS: PrechatField[] = [
  { name: "name", label: "Your name", type: "text", required: true },
  { name: "email", label: "Email", type: "email", required: true },
  { name: "phone", label: "Phone", type: "tel", required: false },
];

export function PrechatFieldsEditor({ fields, onChange, errors, disabled }: {
  fields: PrechatField[];
  onChange: (fields: PrechatField[]) => void;
  errors: Record<string, string>;
  disabled: boolean;
}) {
  const names = fields.map((f) => f.name);
  const update = (i: number, patch: Partial<PrechatField>) =>
    onChange(fields.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: number) => {
    const next = [...fields];
    const [item] = next.splice(i, 1);
    if (item) next.splice(i + by, 0, item);
    onChange(next);
  };
  const full = fields.length >= MAX_PRECHAT_FIELDS;
  return (
    <div className="space-y-3">
      {errors.prechat_fields && <p className="error-text" role="alert">{errors.prechat_fields}</p>}
      {fields.length === 0 && <p className="text-sm text-secondary-600">No fields yet. Add the ones you need.</p>}
      <ol className="space-y-3">
        {fields.map((f, i) => {
          const key = `prechat_fields[${i}]`;
          const autoName = f.name === fieldName(f.label || "Field", names.filter((_, j) => j !== i));
          return (
            <li key={i} className="rounded border border-secondary-200 bg-secondary-50 p-3" data-testid="prechat-field">
              <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
                <Field label="Label" error={errors[`${key}.label`]}>
                  {(p) => <input {...p} className="field" value={f.label} disabled={disabled} maxLength={100}
                    placeholder="What the visitor sees"
                    onChange={(e) => update(i, {
                      label: e.target.value,
                      ...(autoName ? { name: fieldName(e.target.value || "Field", names.filter((_, j) => j !== i)) } : {}),
                    })} />}
                </Field>
                <Field label="Type" error={errors[`${key}.type`]}>
                  {(p) => (
                    <select {...p} className="field" value={f.type} disabled={disabled}
                      onChange={(e) => update(i, { type: e.target.value as FieldType,
                        ...(e.target.value === "select" && !f.options?.length ? { options: [""] } : {}) })}>
                      {TYPES.map((t) => <option key={t.id} value={t.id}>{t.label}</option>)}
                    </select>
                  )}
                </Field>
                <Field label="Field name" hint="Shown to agents with the answer." error={errors[`${key}.name`]}>
                  {(p) => <input {...p} className="field font-mono" value={f.name} disabled={disabled} maxLength={32}
                    onChange={(e) => update(i, { name: e.target.value })} />}
                </Field>
                {f.type === "select" && (
                  <Field label="Choices" hint="One per line." error={errors[`${key}.options`]}>
                    {(p) => <textarea {...p} className="field" rows={3} disabled={disabled}
                      value={(f.options ?? []).join("\n")}
                      onChange={(e) => update(i, { options: e.target.value.split("\n") })} />}
                  </Field>
                )}
              </div>
              <div className="mt-3 flex flex-wrap items-center gap-3">
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={f.required} disabled={disabled}
                    onChange={(e) => update(i, { required: e.target.checked })} /> Required
                </label>
                <span className="ml-auto flex gap-1">
                  <button type="button" className="btn-ghost btn-sm" disabled={disabled || i === 0}
                    onClick={() => move(i, -1)} aria-label={`Move ${f.label || "field"} up`}>↑</button>
                  <button type="button" className="btn-ghost btn-sm" disabled={disabled || i === fields.length - 1}
                    onClick={() => move(i, 1)} aria-label={`Move ${f.label || "field"} down`}>↓</button>
                  <button type="button" className="btn-ghost btn-sm text-error-700" disabled={disabled}
                    onClick={() => onChange(fields.filter((_, j) => j !== i))}>Remove</button>
                </span>
              </div>
              {errorsUnder(errors, key).length > 0 && !errors[`${key}.label`] && !errors[`${key}.name`]
                && !errors[`${key}.options`] && (
                <p className="error-text">{errorsUnder(errors, key).join("; ")}</p>
              )}
            </li>
          );
        })}
      </ol>
      {!disabled && (
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn-secondary" disabled={full} onClick={() => onChange([...fields, newField(names)])}>
            Add a field
          </button>
          {PRESETS.filter((p) => !names.includes(p.name)).map((p) => (
            <button key={p.name} type="button" className="btn-ghost" disabled={full}
              onClick={() => onChange([...fields, { ...p }])}>+ {p.label}</button>
          ))}
          {full && <span className="hint">At most {MAX_PRECHAT_FIELDS} fields.</span>}
        </div>
      )}
    </div>
  );
}
