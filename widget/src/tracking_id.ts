// The tracking id of visitor tracking (docs/privacy.md): a random id in localStorage under
// `parley:t:<siteKey>`, made by the tracking chunk (track.ts) only when the widget's
// `visitor_tracking` is on. The chat chunk sends it when the visitor starts a conversation, so
// the pages viewed before it (and an agent's invitation) join the conversation.

export const trackingKey = (siteKey: string): string => `parley:t:${siteKey}`;

/** The tracking id this browser has for the site, if tracking made one. */
export function trackingId(siteKey: string): string | undefined {
  try {
    return localStorage.getItem(trackingKey(siteKey)) || undefined;
  } catch {
    return undefined; // storage blocked
  }
}

/** What a new conversation's request carries of tracking (nothing when the widget does not track),
 * and the proactive-message trigger the visitor answered (set by the trigger chunk, triggers.ts). */
export function tracked(host: { siteKey: string; config: { visitor_tracking?: boolean; trigger_id?: number } }):
  { tracking_id?: string; trigger_id?: number } {
  const id = host.config.visitor_tracking ? trackingId(host.siteKey) : undefined;
  const trigger = host.config.trigger_id;
  return { ...(id ? { tracking_id: id } : {}), ...(trigger ? { trigger_id: trigger } : {}) };
}
