// The words the chat shows, in the visitor's language (docs/widget.md "Languages"): the loader
// fetches the visitor's pack (src/i18n/<lang>.json) in parallel with this chunk and hands it
// over, with the admin's overrides over it (setTexts).

import { format, type Params, type Texts } from "../i18n";

/** Every key of every pack, in the order of a pack's texts (scripts/i18n.mjs). */
declare const __PARLEY_KEYS__: string[];

let lang = "en";
let texts: Texts = {};
let rtl = false;

/** Use this language's texts (its pack and the overrides); `right`: a right-to-left panel. */
export function setTexts(language: string, pack: Texts, right = false): void {
  lang = language;
  texts = pack;
  rtl = right;
}

export const language = (): string => lang;
/** The panel's direction: rtl for Arabic texts, or a visitor whose first language is written
 * right to left (Hebrew, Persian…: their texts fall back, the layout still mirrors). */
export const dir = (): "rtl" | "ltr" => (rtl ? "rtl" : "ltr");

/** The text of `key` (en.json) in the visitor's language, `{name}`s filled from params. */
export const t = (key: string, params?: Params): string => format(texts, lang, key, params);

/** Whether a text exists (a system message's code may be newer than this widget). */
export const has = (key: string): boolean => key in texts;

/** A pack as shipped (texts in the keys' order, 0: not in this language) as texts by key. */
export function unpack(pack: readonly (string | 0)[]): Texts {
  const out: Texts = {};
  __PARLEY_KEYS__.forEach((key, i) => {
    const text = pack[i];
    if (text) out[key] = text;
  });
  return out;
}
