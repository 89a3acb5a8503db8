// The new-user and password forms' checks, as the server makes them (chatserver/services/users.py,
// passwords.py), so mistakes show before a round trip. The server stays the judge.

import type { Role } from "./types";

const USERNAME_RE = /^[A-Za-z0-9_.-]{2,64}$/;
const EMAIL_RE = /^[^@\s<>"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
export const MIN_PASSWORD = 8;

export interface NewUserForm {
  username: string;
  email: string;
  display_name: string;
  role: Role;
  password: string;
}

export function passwordProblem(password: string, username = "", email = ""): string | null {
  if (password.length < MIN_PASSWORD) return `must be at least ${MIN_PASSWORD} characters`;
  if (new TextEncoder().encode(password).length > 72) return "must be at most 72 bytes";
  const lowered = password.toLowerCase();
  if (new Set(password).size < 4) return "is too common or too simple";
  if ([username.toLowerCase(), email.toLowerCase(), email.split("@")[0]?.toLowerCase()].includes(lowered)) {
    return "must not be your username or email";
  }
  return null;
}

export function validateUser(f: NewUserForm): Record<string, string> {
  const errors: Record<string, string> = {};
  const username = f.username.trim();
  if (!username) errors.username = "is required";
  else if (!USERNAME_RE.test(username)) errors.username = "may use letters, digits, '.', '_' and '-' (2-64)";
  const email = f.email.trim();
  if (!email) errors.email = "is required";
  else if (email.length > 254 || !EMAIL_RE.test(email)) errors.email = "must be an email address";
  if (f.display_name.trim().length > 100) errors.display_name = "must be at most 100 characters";
  const pw = passwordProblem(f.password, username, email);
  if (pw) errors.password = pw;
  return errors;
}

/** A username suggested from an email ("ada.lovelace@x.com" -> "ada.lovelace"). */
export function usernameFrom(email: string): string {
  return (email.split("@")[0] ?? "").replace(/[^A-Za-z0-9_.-]/g, "").slice(0, 64);
}

/** A random password that passes the rules: 16 characters from an unambiguous alphabet. */
export function generatePassword(random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  let out = "";
  while (out.length < 16 || new Set(out).size < 8) {
    out = [...random(16)].map((b) => alphabet[b % alphabet.length]).join("");
  }
  return out;
}
