// The one sign-in of the inbox (/agent) and the admin (/admin): both keep the user's token
// under one localStorage key, so signing in at either signs in at both, and signing out of
// either (which revokes every token of the user on the server) forgets it at both; each app
// follows the other's changes through the `storage` event on SIGN_IN_KEY.
import { getItem, setItem } from "./storage";

export const SIGN_IN_KEY = "parley:token";
// Where each app kept its own token before: read once, then moved to SIGN_IN_KEY.
const OLD_KEYS = ["parley:agent:token", "parley:admin:token"];

export function loadSignIn(): string | null {
  const token = getItem(SIGN_IN_KEY);
  if (token) return token;
  for (const key of OLD_KEYS) {
    const old = getItem(key);
    if (old) {
      saveSignIn(old);
      return old;
    }
  }
  return null;
}

/** Keep the token (null signs out), for both apps. */
export function saveSignIn(token: string | null): void {
  setItem(SIGN_IN_KEY, token);
  for (const key of OLD_KEYS) setItem(key, null);
}
