// Announcing new chats: a short beep made with WebAudio (no sound file) and a desktop
// notification when the agent allowed them.

let audio: AudioContext | null = null;

/** Two short tones; silently nothing when audio is unavailable or not yet allowed. */
export function beep(): void {
  try {
    const Ctx = window.AudioContext
      ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    audio ??= new Ctx();
    if (audio.state === "suspended") void audio.resume().catch(() => undefined);
    const now = audio.currentTime;
    for (const [i, freq] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      const start = now + i * 0.12;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.1);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + 0.11);
    }
  } catch {
    // no audio: the list still shows the arrival
  }
}

/** Unlock audio on a user gesture (browsers start AudioContexts suspended). */
export function unlockAudio(): void {
  try {
    if (audio?.state === "suspended") void audio.resume();
  } catch {
    // ignore
  }
}

export function notificationsSupported(): boolean {
  return typeof window !== "undefined" && "Notification" in window;
}

export function notificationPermission(): NotificationPermission | "unsupported" {
  return notificationsSupported() ? Notification.permission : "unsupported";
}

export async function askNotificationPermission(): Promise<NotificationPermission | "unsupported"> {
  if (!notificationsSupported()) return "unsupported";
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** A desktop notification while the inbox is not in front; clicking it focuses the inbox. */
export function desktopNotify(title: string, body: string, tag: string,
  onClick?: () => void): void {
  if (!notificationsSupported() || Notification.permission !== "granted") return;
  if (document.visibilityState === "visible" && document.hasFocus()) return;
  try {
    const n = new Notification(title, { body, tag });
    n.onclick = () => {
      window.focus();
      onClick?.();
      n.close();
    };
  } catch {
    // some platforms allow notifications only from a service worker
  }
}
