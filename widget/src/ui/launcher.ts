// What the loader draws: the design tokens the launcher uses (DESIGN.md, as CSS custom
// properties; the chat's own are in ui/styles.ts), the host reset that keeps the page's CSS
// out, and the launcher button. Sizes are in px, never rem:
// rem follows the host page's root font size.

export const CHAT_ICON = "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2z";
export const CLOSE_ICON =
  "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z";

export function svg(path: string, cls = ""): SVGSVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const el = document.createElementNS(ns, "svg");
  el.setAttribute("viewBox", "0 0 24 24");
  el.setAttribute("aria-hidden", "true");
  el.setAttribute("focusable", "false");
  if (cls) el.setAttribute("class", cls);
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  el.append(p);
  return el;
}

/** Add CSS to a shadow root as a constructed stylesheet: a page's Content-Security-Policy
 * (style-src) does not apply to those, as it would to a <style> element. */
export function addStyles(shadow: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = css;
    shadow.append(style);
  }
}

const DARK = "--pw-bg:#17191c;--pw-fg:#eceef0;color-scheme:dark;";

export const LOADER_CSS = `\
:host{all:initial!important;display:block!important;position:fixed!important;top:0!important;\
left:0!important;width:0!important;height:0!important;margin:0!important;padding:0!important;\
border:0!important;overflow:visible!important;visibility:visible!important;opacity:1!important;\
transform:none!important;filter:none!important;clip-path:none!important;pointer-events:auto!important;\
z-index:2147483000!important}\
[hidden]{display:none!important}\
.pw-root{--pw-primary:#007bff;--pw-on-primary:#fff;--pw-accent:#0069d9;--pw-on-accent:#fff;\
--pw-secondary-l:#6c757d;--pw-secondary-d:#adb5bd;--pw-bg:#fff;--pw-fg:#1f2328;\
--pw-font:Inter,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
--pw-fs-xs:12px;--pw-fs-sm:14px;--pw-fs-md:15px;\
--pw-e2:0 4px 14px rgba(0,0,0,.18);--pw-e3:0 12px 48px rgba(0,0,0,.24);--pw-ease:.3s cubic-bezier(.4,0,.2,1);\
font:400 var(--pw-fs-md)/1.5 var(--pw-font);color:var(--pw-fg);text-align:start;direction:ltr;\
letter-spacing:normal;word-spacing:normal;text-transform:none;-webkit-font-smoothing:antialiased}\
.pw-dark{${DARK}}\
@media (prefers-color-scheme:dark){.pw-auto{${DARK}}}\
.pw-root *,.pw-root *::before,.pw-root *::after{box-sizing:border-box}\
.pw-launcher{position:fixed;bottom:20px;right:20px;display:flex;align-items:center;justify-content:center;\
gap:8px;height:56px;min-width:56px;margin:0;padding:0 14px;border:0;border-radius:28px;\
background:var(--pw-primary);color:var(--pw-on-primary);box-shadow:var(--pw-e2);cursor:pointer;\
font:600 var(--pw-fs-sm)/1 var(--pw-font);transition:transform var(--pw-ease),box-shadow var(--pw-ease)}\
.pw-left .pw-launcher{right:auto;left:20px}\
.pw-launcher:hover{transform:translateY(-2px);box-shadow:var(--pw-e3)}\
.pw-launcher:focus-visible{outline:3px solid var(--pw-accent);outline-offset:3px}\
.pw-launcher svg{width:28px;height:28px;fill:currentColor;flex:none}\
.pw-launcher[aria-busy=true]{cursor:progress}\
.pw-i-close,.pw-open .pw-i-chat{display:none}\
.pw-open .pw-i-close{display:block}\
.pw-launcher-label{display:none;white-space:nowrap}\
.pw-away .pw-launcher{background:var(--pw-accent);color:var(--pw-on-accent);padding:0 20px 0 16px}\
.pw-away .pw-launcher-label{display:inline}\
.pw-badge{position:absolute;top:-4px;right:-4px;min-width:22px;height:22px;padding:0 6px;\
border-radius:11px;border:2px solid #fff;background:#c82333;color:#fff;\
font:700 var(--pw-fs-xs)/18px var(--pw-font);text-align:center}\
@media (max-width:767px){.pw-launcher{bottom:16px;right:16px;height:60px;min-width:60px;border-radius:30px}\
.pw-left .pw-launcher{left:16px}.pw-open .pw-launcher{display:none}}\
@media (prefers-reduced-motion:reduce){.pw-root *,.pw-root *::before,.pw-root *::after{\
transition:none!important;animation:none!important}}\
`;
