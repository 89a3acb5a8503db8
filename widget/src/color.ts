// Colours a widget is configured with, made readable: text on a coloured surface must reach
// WCAG AA contrast (4.5:1) whatever colour the site owner picked.

const AA = 4.5;

function rgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  const n = m ? parseInt(m[1] as string, 16) : 0x007bff;
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex([r, g, b]: [number, number, number]): string {
  return "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

export function luminance(color: string): number {
  const [r, g, b] = rgb(color).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Mix `color` towards black by `amount` (0..1). */
export function darken(color: string, amount: number): string {
  return hex(rgb(color).map((c) => c * (1 - amount)) as [number, number, number]);
}

/** A surface colour close to `color` and the text colour to put on it, at AA contrast:
 * white on the colour if that reads, dark text on a light colour, else the colour darkened
 * until white text reads. */
export function readablePair(color: string): { bg: string; fg: string } {
  const base = hex(rgb(color));
  if (contrast(base, "#ffffff") >= AA) return { bg: base, fg: "#ffffff" };
  if (contrast(base, "#111111") >= 7) return { bg: base, fg: "#111111" };
  let bg = base;
  for (let i = 1; i <= 20 && contrast(bg, "#ffffff") < AA; i++) bg = darken(base, i * 0.04);
  return { bg, fg: "#ffffff" };
}

/** `color` as text on `background`, darkened (or lightened toward white on dark
 * backgrounds) until it reads at AA. */
export function readableOn(color: string, background: string): string {
  const base = hex(rgb(color));
  const dark = luminance(background) < 0.2;
  let out = base;
  for (let i = 1; i <= 20 && contrast(out, background) < AA; i++) {
    out = dark ? hex(rgb(base).map((c) => c + (255 - c) * i * 0.05) as [number, number, number])
      : darken(base, i * 0.05);
  }
  return out;
}
