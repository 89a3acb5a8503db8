// The sign-in token, kept in localStorage (as the inbox does; the strict Content-Security-Policy
// on /admin is what keeps injected script from reading it), under the key the inbox uses too:
// one sign-in for /admin and /agent. Tolerates storage being unavailable.
import { SIGN_IN_KEY, loadSignIn, saveSignIn } from "@parley/protocol";

export const tokenKey = SIGN_IN_KEY;

export function loadToken(): string | null {
  return loadSignIn();
}

export function saveToken(token: string | null): void {
  saveSignIn(token);
}
