"""An XSS corpus, and what a page must look like after showing it.

The payloads are OWASP's filter-evasion cases and their modern cousins (SVG, mutation XSS,
``javascript:`` and ``data:`` URLs, event handlers, markdown links, template injection). Each
one that could run calls ``__xss(n)``, a tripwire every page gets (``TRIPWIRE``, an init
script); the ones that could not (template strings) must simply be shown as written. Markup
payloads carry a bare ``xss`` attribute where their syntax allows, so an element parsed from
them is found even if it never fires.

``scan(page)`` then looks at every frame of the page, every shadow root in it, and reports:
tripwire calls, any inline event-handler attribute (neither React nor the widget ever renders
one), any ``javascript:``/``vbscript:``/``data:text/html`` URL, any element made from payload
markup, any inline script or style holding payload text; and returns the page's text (text
nodes, shadow roots, form values) so a test can check each payload is shown literally.
"""

from __future__ import annotations

import base64
from typing import Any

_B64 = base64.b64encode(b"__xss(22)").decode()

PAYLOADS: list[str] = [
    "<script xss>__xss(1)</script>",
    "<img xss src=x onerror=__xss(2)>",
    "<svg xss onload=__xss(3)>",
    "<svg xss><script>__xss(4)</script></svg>",
    "<svg xss><animate onbegin=__xss(5) attributeName=x dur=1s>",
    '"><img xss src=x onerror=__xss(6)>',
    "'><script xss>__xss(7)</script>",
    '<iframe xss src="javascript:__xss(8)"></iframe>',
    "javascript:__xss(9)//",
    '<a xss href="javascript:__xss(10)">click me</a>',
    "<body xss onload=__xss(11)>",
    "<IMG xss SRC=JaVaScRiPt:__xss(12)>",
    '<IMG """><SCRIPT>__xss(13)</SCRIPT>">',
    '<img xss src=x onerror="&#95;&#95;xss(14)">',
    "<details xss open ontoggle=__xss(15)>",
    "<math><mtext><table><mglyph><style><img xss src=x onerror=__xss(16)>",
    "<input xss autofocus onfocus=__xss(17)>",
    "<video xss><source onerror=__xss(18)></video>",
    '<object xss data="javascript:__xss(19)"></object>',
    '<embed xss src="data:text/html,<script>parent.__xss(20)</script>">',
    "<scr<script>ipt>__xss(21)</scr</script>ipt>",
    f"<img xss src=x:x onerror=eval(atob('{_B64}'))>",
    '" onmouseover="__xss(23)" x="',
    "</textarea><script xss>__xss(24)</script>",
    "</title><script xss>__xss(25)</script>",
    '<noscript><p title="</noscript><img xss src=x onerror=__xss(26)>">',
    '<a xss href="&#106;avascript:__xss(27)">x</a>',
    "[click me](javascript:__xss(28))",
    '![x](x" onerror="__xss(29))',
    'https://example.com/"><img xss src=x onerror=__xss(30)>',
    "{{constructor.constructor('__xss(31)')()}}",
    "<style xss>@import 'javascript:__xss(32)';</style>",
    "<form xss><button formaction=javascript:__xss(33)>go</button></form>",
    "<marquee xss onstart=__xss(34)>",
    '<base xss href="javascript:__xss(35)//">',
    "<img xss src=x onerror=alert(36)>",
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+__xss(37)//'>",
    '<svg><use href="data:image/svg+xml,<svg id=\'x\' xmlns=\'http://www.w3.org/2000/svg\'>'
    "<image href='1' onerror='__xss(38)'/></svg>#x\"/></svg>",
    "{{7*7}}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "${{7*7}}",
]

# For fields of at most 100 characters (names, titles, labels): the short payloads.
SHORT: list[str] = [p for p in PAYLOADS if len(p) <= 100]


def chunks(limit: int, payloads: list[str] | None = None, sep: str = "  ") -> list[str]:
    """The payloads joined into texts of at most ``limit`` characters."""
    out: list[str] = []
    current = ""
    for p in payloads or PAYLOADS:
        if current and len(current) + len(sep) + len(p) > limit:
            out.append(current)
            current = ""
        current = f"{current}{sep}{p}" if current else p
    if current:
        out.append(current)
    return out


TRIPWIRE = """
window.__xssHits = [];
window.__xss = (n) => { window.__xssHits.push(n); };
"""

SCAN = r"""
() => {
  const problems = [];
  const texts = [];
  const urlish = new Set(["href", "src", "action", "formaction", "data", "srcdoc", "xlink:href",
                          "poster", "background", "codebase", "ping"]);
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const name of el.getAttributeNames()) {
        const n = name.toLowerCase();
        const v = el.getAttribute(name) || "";
        if (n.startsWith("on")) problems.push(`<${el.localName} ${n}="${v.slice(0, 60)}">`);
        if (n === "xss") problems.push(`<${el.localName} xss>: an element from payload markup`);
        // A payload inside an http(s) URL is only text; a script or HTML URL is not.
        if (urlish.has(n) && /^\s*(javascript|vbscript)\s*:|^\s*data:\s*text\/html/i.test(v))
          problems.push(`<${el.localName} ${n}="${v.slice(0, 60)}">`);
      }
      const own = el.localName === "script" || el.localName === "style" ? el.textContent || "" : "";
      if (own.includes("__xss")) problems.push(`<${el.localName}> holding payload text`);
      if (el.shadowRoot) {
        walk(el.shadowRoot);
        texts.push(el.shadowRoot.textContent || "");
      }
      if ((el.localName === "input" || el.localName === "textarea") && el.value) texts.push(el.value);
    }
  };
  walk(document);
  texts.push(document.documentElement ? document.documentElement.textContent || "" : "");
  return { hits: window.__xssHits || null, problems, text: texts.join("\n") };
}
"""


def scan(page: Any) -> tuple[list[str], str]:
    """(problems, text) over every frame of the page."""
    problems: list[str] = []
    texts: list[str] = []
    for frame in page.frames:
        try:
            got = frame.evaluate(SCAN)
        except Exception as exc:  # a frame navigating away; a cross-origin frame is fine
            if "cross-origin" in str(exc).lower():
                continue
            raise
        if got["hits"] is None:
            problems.append(f"frame {frame.url}: the tripwire is missing (no init script?)")
        elif got["hits"]:
            problems.append(f"frame {frame.url}: script ran: __xss{got['hits']}")
        problems += [f"frame {frame.url}: {p}" for p in got["problems"]]
        texts.append(got["text"])
    return problems, "\n".join(texts)


def assert_inert(visitor: Any, where: str, shown: list[str] = ()) -> str:  # type: ignore[assignment]
    """No script ran, no markup was made, no dialog opened; each text in ``shown`` is on the
    page as written. Returns the page's text."""
    problems, text = scan(visitor.page)
    problems += [f"a dialog opened: {d!r}" for d in visitor.dialogs]
    assert not problems, f"{where}:\n" + "\n".join(problems[:15])
    missing = [s for s in shown if s not in text]
    assert not missing, f"{where}: not shown as written: {missing[:3]}"
    return text
