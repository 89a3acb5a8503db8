import { describe, expect, it } from "vitest";
import { linkParts } from "../src/links";

describe("linkParts", () => {
  it("makes http and https URLs links and leaves the rest text", () => {
    expect(linkParts("See https://example.com/a?b=1, or http://x.org.")).toEqual([
      { text: "See " }, { text: "https://example.com/a?b=1", href: "https://example.com/a?b=1" },
      { text: ", or " }, { text: "http://x.org", href: "http://x.org/" }, { text: "." },
    ]);
  });

  it("never links another scheme", () => {
    for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:x",
      "JaVaScRiPt:alert(document.domain)", "ftp://example.com/file"]) {
      expect(linkParts(text).every((p) => p.href === undefined)).toBe(true);
    }
  });

  it("keeps a bracket the URL opened and drops one it did not", () => {
    expect(linkParts("(https://en.wikipedia.org/wiki/Foo_(bar))")).toEqual([
      { text: "(" },
      { text: "https://en.wikipedia.org/wiki/Foo_(bar)", href: "https://en.wikipedia.org/wiki/Foo_(bar)" },
      { text: ")" },
    ]);
  });

  it("gives back plain text whole", () => {
    expect(linkParts("no links here")).toEqual([{ text: "no links here" }]);
    expect(linkParts("")).toEqual([]);
  });
});
