// The sign-in token, kept in localStorage (as the inbox does; the strict Content-Security-Policy
// on /admin is what keeps injected script from reading it). Tolerates storage being unavailable.
import { getItem, setItem } from "@parley/protocol";

const TOKEN = "parley:admin:token";

export function loadToken(): string | null {
  return getItem(TOKEN);
}

export function saveToken(token: string | null): void {
  setItem(TOKEN, token);
}
