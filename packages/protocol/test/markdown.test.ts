// The Markdown subset of AI text: what it makes, and that hostile text stays text.
import { describe, expect, it } from "vitest";
import { type Block, type Inline, pageUrl, parseMarkdown, safeUrl } from "../src/markdown";

const t = (text: string): Inline => ({ type: "text", text });
/** One paragraph's tokens. */
const para = (text: string): Inline[] => {
  const blocks = parseMarkdown(text);
  expect(blocks).toHaveLength(1);
  expect(blocks[0]?.type).toBe("p");
  return (blocks[0] as Extract<Block, { type: "p" }>).children;
};
/** The text a reader sees: every text and code token, in order (line breaks as \n). */
const shown = (tokens: Inline[]): string => tokens.map((x) =>
  x.type === "text" || x.type === "code" ? x.text : x.type === "br" ? "\n" : shown(x.children)).join("");
const all = (blocks: Block[]): Inline[] => blocks.flatMap((b) => b.type === "p" ? b.children : b.items.flat());
const links = (tokens: Inline[]): string[] => tokens.flatMap((x) =>
  x.type === "link" ? [x.href, ...links(x.children)] : "children" in x ? links(x.children) : []);

describe("parseMarkdown", () => {
  it("makes bold, italics, code and links", () => {
    expect(para("**Note:** try *this*, _or that_ with `npm ci` [here](https://a.test/x?y=1)."))
      .toEqual([
        { type: "strong", children: [t("Note:")] }, t(" try "), { type: "em", children: [t("this")] },
        t(", "), { type: "em", children: [t("or that")] }, t(" with "), { type: "code", text: "npm ci" },
        t(" "), { type: "link", href: "https://a.test/x?y=1", children: [t("here")] }, t("."),
      ]);
    expect(para("**bold *and italic* too**")).toEqual([{ type: "strong", children: [
      t("bold "), { type: "em", children: [t("and italic")] }, t(" too")] }]);
    expect(para("[**Docs**](https://a.test) and [mail](mailto:help@a.test)")).toEqual([
      { type: "link", href: "https://a.test/", children: [{ type: "strong", children: [t("Docs")] }] },
      t(" and "), { type: "link", href: "mailto:help@a.test", children: [t("mail")] }]);
    expect(para("`**not bold** [x](https://a.test)`")).toEqual([{ type: "code", text: "**not bold** [x](https://a.test)" }]);
    expect(links(para("[Foo](https://en.wikipedia.org/wiki/Foo_(bar))"))).toEqual(["https://en.wikipedia.org/wiki/Foo_(bar)"]);
  });

  it("keeps paragraphs, line breaks and lists", () => {
    expect(parseMarkdown("Hello\nthere\n\nYou can:\n- **pay** online\n- call us\n  any day\n\n1. one\n2) two\n\n3. three\nThanks"))
      .toEqual([
        { type: "p", children: [t("Hello"), { type: "br" }, t("there")] },
        { type: "p", children: [t("You can:")] },
        { type: "ul", items: [[{ type: "strong", children: [t("pay")] }, t(" online")],
          [t("call us"), { type: "br" }, t("any day")]] },
        { type: "ol", start: 1, items: [[t("one")], [t("two")], [t("three")]] },
        { type: "p", children: [t("Thanks")] },
      ]);
    expect(parseMarkdown("3. three\r\n* star item")).toEqual([
      { type: "ol", start: 3, items: [[t("three")]] }, { type: "ul", items: [[t("star item")]] }]);
    expect(parseMarkdown("")).toEqual([]);
    expect(parseMarkdown(" \n\n ")).toEqual([]);
  });

  it("leaves markers inside words, unclosed or unbalanced as text, as written", () => {
    for (const text of [
      "snake_case_name and __init__ and 2*3*4", "{{7*7}} ${7*7} #{7*7} <%= 7*7 %>", "**unclosed and *half",
      "a * b * c", "x *not closed", "** spaced **", "*mixed_", "***three***", "``` no close", "[no](link",
      "[a] (https://a.test)", "[a](https://a.test x)",
      "/*--></title>[*/[]/+__xss(37)//'>", "![x](x\" onerror=\"__xss(29))", "\\*escaped\\* \\_too\\_",
    ]) {
      const blocks = parseMarkdown(text);
      expect(shown(all(blocks)).replace(/\\([*_])/g, "$1"), text).toBe(text.replace(/\\([*_])/g, "$1"));
    }
    expect(para("2*3*4")).toEqual([t("2*3*4")]);
    expect(para("**a *b** c*")).toEqual([{ type: "strong", children: [t("a *b")] }, t(" c*")]);
    expect(para("\\*escaped\\*")).toEqual([t("*escaped*")]);
  });

  it("links only http, https and mailto URLs; the rest stays text as written", () => {
    for (const text of [
      "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](  javascript:alert(1))",
      "[x](java\tscript:alert(1))", "[x](data:text/html,<script>alert(1)</script>)",
      "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "[x](vbscript:msgbox(1))",
      "[x](/relative/path)", "[x](//evil.test/x)", "[x](https:evil.test)", "[x](http://)",
      "[x](file:///etc/passwd)", "[x](ftp://a.test)", "[x](&#106;avascript:alert(1))",
      "[x](\u0000javascript:alert(1))", "[click me](javascript:__xss(28))",
    ]) {
      const tokens = all(parseMarkdown(text));
      expect(links(tokens), text).toEqual([]);
      expect(shown(tokens), text).toBe(text);
    }
    expect(safeUrl("HTTPS://A.TEST/Path")).toBe("https://a.test/Path");
    expect(safeUrl("https://a.test/\"><img")).toBe("https://a.test/%22%3E%3Cimg");
    expect(safeUrl("mailto:a@b.test")).toBe("mailto:a@b.test");
    expect(safeUrl("javascript:alert(1)")).toBeNull();
    // A source's page: http(s) only.
    expect(pageUrl("https://a.test/kb/1")).toBe("https://a.test/kb/1");
    for (const raw of [null, "", "mailto:a@b.test", "javascript:alert(1)", "/kb/1", "https://a.test/a b"]) {
      expect(pageUrl(raw), String(raw)).toBeNull();
    }
  });

  it("keeps HTML as text", () => {
    const text = "<script>alert(1)</script> <img src=x onerror=alert(2)> **<b>bold</b>**";
    const tokens = para(text);
    expect(tokens).toEqual([t("<script>alert(1)</script> <img src=x onerror=alert(2)> "),
      { type: "strong", children: [t("<b>bold</b>")] }]);
  });

  it("stays fast on hostile input", () => {
    const inputs = ["*a ".repeat(20_000), "[".repeat(50_000), "[a](".repeat(20_000), "`".repeat(30_000),
      "` ``".repeat(10_000), "**a *b _c ".repeat(10_000), "(*".repeat(30_000) + "x" + "*)".repeat(30_000)];
    const start = performance.now();
    for (const text of inputs) expect(shown(all(parseMarkdown(text)))).toBeTypeOf("string");
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
