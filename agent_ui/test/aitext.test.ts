// AI text and sources as the inbox renders them (to static markup: React's own escaping, no DOM).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AiSources, AiText } from "../src/components/AiText";

const html = (text: string) => renderToStaticMarkup(createElement(AiText, { text }));

describe("AiText", () => {
  it("renders the Markdown subset as elements", () => {
    expect(html("**Refunds** take *5 days*:\n- see [policy](https://a.test/r)\n- `REFUND`\n\n3. three"))
      .toBe('<p><strong>Refunds</strong> take <em>5 days</em>:</p>'
        + '<ul class="list-disc pl-5"><li>see <a href="https://a.test/r" target="_blank" rel="noopener noreferrer"'
        + ' class="underline">policy</a></li><li><code class="rounded bg-secondary-100 px-1 font-mono text-[0.9em]">'
        + "REFUND</code></li></ul>"
        + '<ol start="3" class="list-decimal pl-5"><li>three</li></ol>');
  });

  it("keeps HTML and unsafe links as text", () => {
    for (const text of ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html,<script>alert(1)</script>)",
      "<img src=x onerror=alert(1)>", "**<script>alert(1)</script>**"]) {
      const out = html(text);
      expect(out, text).not.toMatch(/<(a|img|script)\b/);
      expect(out, text).not.toMatch(/href=/);
    }
    expect(html("<b>x</b> [x](javascript:alert(1))")).toBe("<p>&lt;b&gt;x&lt;/b&gt; [x](javascript:alert(1))</p>");
  });
});

describe("AiSources", () => {
  it("lists the titles, linking only http(s) pages", () => {
    const out = renderToStaticMarkup(createElement(AiSources, { sources: [
      { id: 1, title: "Refunds <b>", url: "https://a.test/r" }, { id: 2, title: "Typed in", url: null },
      { id: 3, title: "Odd", url: "javascript:alert(1)" }, { id: 4, title: "Mail", url: "mailto:a@b.test" }] }));
    expect(out).toContain('<ul role="list" aria-label="Sources"');
    expect(out.match(/<a /g)).toHaveLength(1);
    expect(out).toContain('<a href="https://a.test/r" target="_blank" rel="noopener noreferrer" class="underline">Refunds &lt;b&gt; (a.test)</a>');
    expect(out).toContain("<li>Typed in</li>");
    expect(out).toContain("<li>Odd</li>");
    expect(out).toContain("<li>Mail</li>");
  });
});
