// The widget's languages (docs/widget.md "Languages"): the packs are complete, the language is
// chosen from the browser's, and texts are filled in and pluralised per language.
import { describe, expect, it } from "vitest";
import { LANGS, format, isRtl, pickLang } from "../src/i18n";
import { dir, language, setTexts, t, unpack } from "../src/ui/strings";
// @ts-expect-error: plain JavaScript (the build's pack format), no types
import { KEYS, LAUNCHER_KEYS, launcherEn, packModule, packs as read } from "../scripts/i18n.mjs";
import EN from "../src/i18n/en.json";

const PLURAL = /\.(zero|one|two|few|many|other)$/;
// Every src/i18n/<lang>.json, as the build reads them.
const packs = read as Record<string, Record<string, string>>;
const base = (keys: string[]): string[] => [...new Set(keys.map((k) => k.replace(PLURAL, "")))].sort();

describe("the language packs", () => {
  it("exist for every language the widget offers, and no other", () => {
    expect(Object.keys(packs).sort()).toEqual([...LANGS].sort());
  });

  it.each(Object.keys(packs))("%s has every key of English and no other", (lang) => {
    const en = base(Object.keys(EN));
    const mine = base(Object.keys(packs[lang] ?? {}));
    expect(mine.filter((k) => !en.includes(k)), "extra keys").toEqual([]);
    expect(en.filter((k) => !mine.includes(k)), "missing keys").toEqual([]);
  });

  it.each(Object.keys(packs))("%s has the plural forms of its language, with `other` always", (lang) => {
    const pack = packs[lang] ?? {};
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];
    for (const key of Object.keys(EN).filter((k) => PLURAL.test(k))) {
      const stem = key.replace(PLURAL, "");
      expect(pack[`${stem}.other`], `${lang}: ${stem}.other`).toBeTruthy();
      const forms = Object.keys(pack).filter((k) => k.replace(PLURAL, "") === stem && PLURAL.test(k));
      for (const form of forms) expect(categories, `${lang}: ${form}`).toContain(form.split(".").pop());
      expect(pack[stem], `${lang}: ${stem} is plural only`).toBeUndefined();
    }
  });

  it.each(Object.keys(packs))("%s keeps English's {placeholders} in each text", (lang) => {
    const names = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
    const pack = packs[lang] ?? {};
    for (const [key, text] of Object.entries(pack)) {
      expect(text.trim(), `${lang}: ${key} is empty`).not.toBe("");
      const en = (EN as Record<string, string>)[key] ?? (EN as Record<string, string>)[key.replace(PLURAL, ".other")] ?? "";
      // A plural form may say the number in words ("one file"): its names are a subset.
      const allowed = names(en);
      for (const name of names(text)) expect(allowed, `${lang}: ${key}`).toContain(name);
      if (!PLURAL.test(key)) expect(names(text), `${lang}: ${key}`).toEqual(allowed);
    }
  });

  it("ship as arrays in the order of the chat chunk's keys, the launcher's first", () => {
    expect(KEYS.slice(0, LAUNCHER_KEYS.length)).toEqual(LAUNCHER_KEYS);
    // What the loader shows before the chat chunk: the launcher, the invitation bubble.
    expect(LAUNCHER_KEYS).toEqual(expect.arrayContaining(["launcher.open", "launcher.unread.other", "invite.dismiss"]));
    expect(LAUNCHER_KEYS.every((k: string) => /^(launcher|invite)\./.test(k))).toBe(true);
    const shipped = JSON.parse(packModule(packs.fr).replace(/^export default/, "").replace(/;$/, ""));
    expect(shipped).toHaveLength(KEYS.length);
    expect(unpack(shipped)).toEqual(packs.fr);
    expect(launcherEn).toEqual(LAUNCHER_KEYS.map((k: string) => (EN as Record<string, string>)[k] ?? 0));
  });
});

describe("the visitor's language", () => {
  it("is the first of the browser's languages with a pack", () => {
    expect(pickLang(["fr-FR", "en-US"], "en")).toBe("fr");
    expect(pickLang(["ja", "de-CH", "fr"], "en")).toBe("de");
    expect(pickLang(["EN-gb"], "fr")).toBe("en");
  });

  it("falls back from a region to its language (pt-BR → pt, ar-EG → ar)", () => {
    expect(pickLang(["pt-BR"], "en")).toBe("pt");
    expect(pickLang(["ar-EG"], "en")).toBe("ar");
    expect(pickLang(["nl_BE"], "en")).toBe("nl");
  });

  it("is the widget's default when the browser has none of them, else English", () => {
    expect(pickLang(["ja-JP", "zh"], "es")).toBe("es");
    expect(pickLang([], "it")).toBe("it");
    expect(pickLang(["ja"], "xx")).toBe("en");
  });

  it("is right to left for Arabic, and for a Hebrew or Persian visitor without a pack", () => {
    expect(isRtl("ar", ["ar-EG"])).toBe(true);
    expect(isRtl("en", ["he-IL", "en"])).toBe(true);
    expect(isRtl("en", ["fa"])).toBe(true);
    expect(isRtl("fr", ["fr-FR", "he"])).toBe(false);
    expect(isRtl("en", ["en-US"])).toBe(false);
    expect(isRtl("es", [])).toBe(false);
  });
});

describe("format", () => {
  const texts = {
    hi: "Hello {name}, {name}!",
    "n.one": "{n} file", "n.other": "{n} files",
    "a.zero": "none", "a.one": "one", "a.two": "two", "a.few": "{n} few", "a.many": "{n} many", "a.other": "{n} other",
    "b.one": "one b", "b.other": "{n} b",
  };

  it("fills {names} from params and leaves unknown ones as they are", () => {
    expect(format(texts, "en", "hi", { name: "Ana" })).toBe("Hello Ana, Ana!");
    expect(format(texts, "en", "hi")).toBe("Hello {name}, {name}!");
  });

  it("shows an unknown key as itself", () => {
    expect(format(texts, "en", "nope")).toBe("nope");
  });

  it("picks the plural form of the language", () => {
    expect(format(texts, "en", "n", { n: 1 })).toBe("1 file");
    expect(format(texts, "en", "n", { n: 0 })).toBe("0 files");
    expect(format(texts, "fr", "n", { n: 0 })).toBe("0 file"); // French: 0 is singular
    expect(format(texts, "en", "n", { n: 12 })).toBe("12 files");
  });

  it("knows Arabic's six forms", () => {
    expect([0, 1, 2, 3, 11, 100].map((n) => format(texts, "ar", "a", { n })))
      .toEqual(["none", "one", "two", "3 few", "11 many", "100 other"]);
  });

  it("falls back to `other` when the language's form is missing", () => {
    expect(format(texts, "ar", "b", { n: 2 })).toBe("2 b"); // no b.two
    expect(format(texts, "ar", "b", { n: 1 })).toBe("one b");
    expect(format(texts, "xx-invalid-", "n", { n: 1 })).toBe("1 files"); // no plural rules: other
  });
});

describe("t", () => {
  it("uses the texts the loader hands over, and English again", () => {
    setTexts("fr", packs.fr ?? {});
    expect(t("launcher.unread", { n: 2 })).toBe("2 messages non lus");
    expect(t("sub.agent", { agent: "Ana" })).toBe("Vous discutez avec Ana");
    expect([language(), dir()]).toEqual(["fr", "ltr"]);
    setTexts("ar", packs.ar ?? {}, true);
    expect(t("wait.minutes", { n: 2 })).toBe("دقيقتان تقريبًا");
    expect(dir()).toBe("rtl");
    setTexts("en", EN);
    expect(t("upload.max", { n: 1 })).toBe("You can send up to 1 file in one message.");
    expect(dir()).toBe("ltr");
  });
});
