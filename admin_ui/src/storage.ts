// The sign-in token, kept in localStorage (as the inbox does; the strict Content-Security-Policy
// on /admin is what keeps injected script from reading it). Tolerates storage being unavailable.

const TOKEN = "parley:admin:token";

export function loadToken(): string | null {
  try {
    return localStorage.getItem(TOKEN);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token === null) localStorage.removeItem(TOKEN);
    else localStorage.setItem(TOKEN, token);
  } catch {
    // private mode or full: the token lives for this page only
  }
}
