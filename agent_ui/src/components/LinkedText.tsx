// A message's text with its web addresses clickable: http and https only (linkParts never
// makes another scheme a link), opened in a new tab that gets no handle on the inbox and no
// referrer.
import { linkParts } from "@parley/protocol";

export function LinkedText({ text, mine = false }: { text: string; mine?: boolean }) {
  return (
    <>
      {linkParts(text).map((part, i) => part.href ? (
        <a key={i} href={part.href} target="_blank" rel="noopener noreferrer"
          className={`underline break-all ${mine ? "text-white" : "text-primary-700"}`}>{part.text}</a>
      ) : (
        <span key={i}>{part.text}</span>
      ))}
    </>
  );
}
