import { useEffect, useReducer } from "react";
import * as api from "../api";
import {
  NOTIFICATIONS, type NotificationKey, initialSettings, settingsReducer,
} from "../state/settings";

function message(err: unknown, fallback: string): string {
  return err instanceof Error && err.message ? err.message : fallback;
}

/** The signed-in user's notification choices (a section of the profile page); each saves as
 * soon as it changes. */
export function NotificationSettings({ token }: { token: string }) {
  const [state, dispatch] = useReducer(settingsReducer, initialSettings);

  useEffect(() => {
    let live = true;
    api.mySettings(token).then((settings) => live && dispatch({ type: "loaded", settings }))
      .catch((err: unknown) => live && dispatch({ type: "load_failed",
        message: message(err, "Your settings could not be loaded.") }));
    return () => {
      live = false;
    };
  }, [token]);

  function toggle(key: NotificationKey, value: boolean) {
    dispatch({ type: "toggle", key, value });
    api.saveMySettings(token, { notifications: { [key]: value } })
      .then((settings) => dispatch({ type: "saved", settings }))
      .catch((err: unknown) => dispatch({ type: "save_failed", key, value,
        message: `Not saved: ${message(err, "the server refused the change")}` }));
  }

  const { settings, status } = state;
  return (
    <>
        {state.loadError && <p role="alert" className="mt-4 text-sm text-error-700">{state.loadError}</p>}
        <section aria-labelledby="settings-notifications" id="notifications"
          className="mt-6 rounded-lg border border-secondary-200 bg-white p-4 md:p-6">
          <div className="flex items-baseline gap-3">
            <h2 id="settings-notifications" className="text-lg font-semibold">Notifications</h2>
            <p role="status" aria-live="polite" data-testid="settings-status"
              className={`ml-auto text-sm ${status.kind === "error" ? "text-error-700" : "text-secondary-600"}`}>
              {status.kind === "saving" ? "Saving…" : status.kind === "saved" ? "Saved"
                : status.kind === "error" ? status.message : ""}
            </p>
          </div>
          <p className="mt-1 text-sm text-secondary-600">
            Emails about the visitors of the widgets you work on, sent to your account's address.
          </p>
          {!settings && !state.loadError && <p className="mt-4 text-sm text-secondary-600">Loading…</p>}
          {settings && (
            <ul className="mt-4 divide-y divide-secondary-100">
              {NOTIFICATIONS.map(({ key, label, description }) => (
                <li key={key} className="py-3">
                  <label className="flex cursor-pointer items-start gap-3">
                    <input type="checkbox" role="switch" className="mt-1 h-4 w-4 shrink-0 accent-primary"
                      data-testid={`notify-${key}`} checked={settings.notifications[key]}
                      aria-describedby={`notify-${key}-help`}
                      onChange={(e) => toggle(key, e.target.checked)} />
                    <span>
                      <span className="block font-medium text-secondary-900">{label}</span>
                      <span id={`notify-${key}-help`} className="block text-sm text-secondary-600">{description}</span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </section>
    </>
  );
}
