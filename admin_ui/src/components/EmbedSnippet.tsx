// The tag to paste into a site, with a copy button.
import { useState } from "react";
import { snippet } from "../widgetForm";

async function copyText(text: string, fallbackFrom: HTMLElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (http, or refused): select the text and ask the browser to copy it.
    if (!fallbackFrom) return false;
    const range = document.createRange();
    range.selectNodeContents(fallbackFrom);
    const sel = window.getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    return document.execCommand("copy");
  }
}

export function EmbedSnippet({ siteKey }: { siteKey: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const code = snippet(location.origin, siteKey);
  let pre: HTMLPreElement | null = null;
  const copy = async () => {
    setState((await copyText(code, pre)) ? "copied" : "failed");
    setTimeout(() => setState("idle"), 2500);
  };
  return (
    <div>
      <div className="relative">
        <pre ref={(el) => { pre = el; }} className="code pr-24" data-testid="embed-snippet">{code}</pre>
        <button type="button" className="btn-secondary btn-sm absolute right-2 top-2" onClick={() => void copy()}>
          {state === "copied" ? "Copied!" : "Copy"}
        </button>
      </div>
      <p className="hint" role="status">
        {state === "failed" ? "Copying was refused: select the tag and copy it by hand."
          : state === "copied" ? "The tag is on your clipboard. Paste it before </body> on every page."
          : "Paste it before </body> on every page that should show the chat."}
      </p>
      <p className="mt-2 text-sm">
        <a className="text-primary-700 underline" href={`/test-widget.html?key=${encodeURIComponent(siteKey)}`}
          target="_blank" rel="noopener noreferrer">Try it on a test page</a>
      </p>
    </div>
  );
}
