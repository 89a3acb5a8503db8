// The Settings screen's state as a pure reducer: what the server last said, the switches as
// shown (a change shows at once and is undone if the server refuses it), and what the user
// is told about saving. Tested in test/settings.test.ts without a server.
import type { MySettings, NotificationSettings } from "@parley/protocol";

export type NotificationKey = keyof NotificationSettings;

/** The Notifications section: each team email, in the words the screen uses. */
export const NOTIFICATIONS: { key: NotificationKey; label: string; description: string }[] = [
  { key: "waiting", label: "A visitor is waiting",
    description: "Email me when a visitor has asked for a person and nobody has accepted within a few minutes." },
  { key: "offline_email", label: "A visitor left their email",
    description: "Email me when a visitor leaves their email address outside business hours or while nobody is online." },
  { key: "digest", label: "Daily digest",
    description: "Once a day, email me the conversations of the last 24 hours that nobody answered." },
  { key: "mention", label: "A teammate mentioned me",
    description: "Email me when a teammate @mentions me in a private note of a conversation." },
];

export type SaveStatus =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved" }
  | { kind: "error"; message: string };

export interface SettingsState {
  settings: MySettings | null; // null until loaded
  loadError: string | null;
  saving: number; // saves sent and not answered yet
  status: SaveStatus;
}

export type SettingsAction =
  | { type: "loaded"; settings: MySettings }
  | { type: "load_failed"; message: string }
  | { type: "toggle"; key: NotificationKey; value: boolean }
  | { type: "saved"; settings: MySettings }
  | { type: "save_failed"; key: NotificationKey; value: boolean; message: string };

export const initialSettings: SettingsState = { settings: null, loadError: null, saving: 0,
  status: { kind: "idle" } };

function withNotification(settings: MySettings, key: NotificationKey, value: boolean): MySettings {
  return { ...settings, notifications: { ...settings.notifications, [key]: value } };
}

export function settingsReducer(state: SettingsState, action: SettingsAction): SettingsState {
  switch (action.type) {
    case "loaded":
      return { ...state, settings: action.settings, loadError: null };
    case "load_failed":
      return { ...state, loadError: action.message };
    case "toggle":
      if (!state.settings) return state;
      return { ...state, settings: withNotification(state.settings, action.key, action.value),
        saving: state.saving + 1, status: { kind: "saving" } };
    case "saved": {
      const saving = Math.max(0, state.saving - 1);
      // While other saves are under way, the switches as shown are newer than this answer.
      if (saving > 0) return { ...state, saving };
      return { ...state, settings: action.settings, saving, status: { kind: "saved" } };
    }
    case "save_failed": {
      const saving = Math.max(0, state.saving - 1);
      const settings = state.settings && state.settings.notifications[action.key] === action.value
        ? withNotification(state.settings, action.key, !action.value) : state.settings;
      return { ...state, settings, saving, status: { kind: "error", message: action.message } };
    }
    default:
      return state;
  }
}
