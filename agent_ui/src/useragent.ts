// A simple reading of a User-Agent string: the browser and the system, enough for an agent
// to know what the visitor is looking at. Not a full parser on purpose.

export interface Browser {
  name: string;
  version: string;
  os: string;
  mobile: boolean;
}

const BROWSERS: [RegExp, string][] = [
  [/Edg(?:e|A|iOS)?\/([\d.]+)/, "Edge"],
  [/OPR\/([\d.]+)/, "Opera"],
  [/SamsungBrowser\/([\d.]+)/, "Samsung Internet"],
  [/Firefox\/([\d.]+)/, "Firefox"],
  [/FxiOS\/([\d.]+)/, "Firefox"],
  [/CriOS\/([\d.]+)/, "Chrome"],
  [/Chrom(?:e|ium)\/([\d.]+)/, "Chrome"],
  [/Version\/([\d.]+).*Safari\//, "Safari"],
];

const SYSTEMS: [RegExp, string][] = [
  [/Windows NT 10/, "Windows"],
  [/Windows NT/, "Windows"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Linux/, "Linux"],
];

export function parseUserAgent(ua: string | null | undefined): Browser | null {
  if (!ua) return null;
  let name = "";
  let version = "";
  for (const [re, label] of BROWSERS) {
    const m = re.exec(ua);
    if (m) {
      name = label;
      version = (m[1] ?? "").split(".")[0] ?? "";
      break;
    }
  }
  if (/HeadlessChrome/.test(ua)) name = "Headless Chrome";
  const os = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? "";
  if (!name && !os) return { name: "Unknown browser", version: "", os: "", mobile: false };
  return { name: name || "Unknown browser", version, os, mobile: /Mobi|iPhone|Android/.test(ua) };
}

export function describeBrowser(ua: string | null | undefined): string {
  const b = parseUserAgent(ua);
  if (!b) return "Unknown";
  const head = b.version ? `${b.name} ${b.version}` : b.name;
  return b.os ? `${head} on ${b.os}${b.mobile ? " (mobile)" : ""}` : head;
}
