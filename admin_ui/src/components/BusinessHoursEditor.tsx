// When people answer: per weekday, one or more spans, in the widget's time zone. Outside them
// the widget offers the email follow-up instead of the queue.
import type { BusinessHours, Day } from "../types";
import { DAYS, DAY_NAMES, OFFICE_HOURS } from "../widgetForm";

export function BusinessHoursEditor({ hours, onChange, errors, disabled }: {
  hours: BusinessHours | null;
  onChange: (hours: BusinessHours | null) => void;
  errors: Record<string, string>;
  disabled: boolean;
}) {
  const setDay = (day: Day, spans: [string, string][]) => onChange({ ...(hours ?? {}), [day]: spans });
  return (
    <div className="space-y-4">
      <fieldset className="space-y-2">
        <legend className="label">Availability</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="hours-mode" checked={hours === null} disabled={disabled}
            onChange={() => onChange(null)} /> Always open (people may answer at any time)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="hours-mode" checked={hours !== null} disabled={disabled}
            onChange={() => onChange(structuredClone(OFFICE_HOURS))} /> Set business hours
        </label>
      </fieldset>
      {hours !== null && (
        <table className="table">
          <thead>
            <tr><th scope="col">Day</th><th scope="col">Open</th><th scope="col">Hours</th></tr>
          </thead>
          <tbody>
            {DAYS.map((day) => {
              const spans = hours[day] ?? [];
              const error = errors[`business_hours.${day}`];
              return (
                <tr key={day}>
                  <th scope="row" className="w-24 text-sm font-medium normal-case tracking-normal text-secondary-900">{DAY_NAMES[day]}</th>
                  <td className="w-20">
                    <input type="checkbox" aria-label={`Open on ${DAY_NAMES[day]}`} checked={spans.length > 0}
                      disabled={disabled}
                      onChange={(e) => setDay(day, e.target.checked ? [["09:00", "17:00"]] : [])} />
                  </td>
                  <td>
                    {spans.length === 0 ? <span className="text-sm text-secondary-600">Closed</span> : (
                      <div className="space-y-2">
                        {spans.map(([start, end], i) => (
                          <div key={i} className="flex flex-wrap items-center gap-2">
                            <input type="time" className="field w-32" value={start} disabled={disabled}
                              aria-label={`${DAY_NAMES[day]} opens at`} aria-invalid={!!error}
                              onChange={(e) => setDay(day, spans.map((s, j) => (j === i ? [e.target.value, s[1]] : s)))} />
                            <span aria-hidden="true">–</span>
                            <input type="time" className="field w-32" value={end === "24:00" ? "23:59" : end} disabled={disabled}
                              aria-label={`${DAY_NAMES[day]} closes at`} aria-invalid={!!error}
                              onChange={(e) => setDay(day, spans.map((s, j) => (j === i ? [s[0], e.target.value] : s)))} />
                            <button type="button" className="btn-ghost btn-sm" disabled={disabled}
                              onClick={() => setDay(day, spans.filter((_, j) => j !== i))}
                              aria-label={`Remove ${DAY_NAMES[day]} span ${i + 1}`}>Remove</button>
                          </div>
                        ))}
                        {spans.length < 4 && (
                          <button type="button" className="btn-ghost btn-sm" disabled={disabled}
                            onClick={() => setDay(day, [...spans, ["18:00", "20:00"]])}>+ Add hours</button>
                        )}
                      </div>
                    )}
                    {error && <p className="error-text" role="alert">{error}</p>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
