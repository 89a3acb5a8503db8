// Parley's design tokens (shared/DESIGN.md, "Look") as a Tailwind preset: the one place they
// are written. The agent UI and the admin UI use it (`presets: [preset]` in their
// tailwind.config.js); the widget's CSS custom properties come from the same values
// (widget.js here; widget/test/tokens.test.ts checks its CSS against them). No imports, so any
// Tailwind 3 config can load it.

/** The brand and semantic colours; primary and secondary are configurable per widget. */
export const colors = {
  primary: { DEFAULT: "#007bff", 50: "#e6f1ff", 100: "#cce4ff", 600: "#0069d9", 700: "#0056b3" },
  secondary: { DEFAULT: "#6c757d", 50: "#f1f3f5", 100: "#e9ecef", 200: "#dee2e6", 300: "#ced4da",
    400: "#adb5bd", 500: "#868e96", 600: "#6c757d", 700: "#495057", 800: "#343a40", 900: "#212529" },
  success: { DEFAULT: "#28a745", 50: "#e9f7ec", 700: "#1e7e34" },
  warning: { DEFAULT: "#ffc107", 50: "#fff8e1", 700: "#8a6100" },
  error: { DEFAULT: "#dc3545", 50: "#fbeaec", 600: "#c82333", 700: "#a71d2a" },
  ai: { DEFAULT: "#6f42c1", 50: "#f3eefb", 700: "#59339d" },
};

/** @type {import('tailwindcss').Config} */
export default {
  theme: {
    // mobile < 768 px, tablet 768-1024 px, desktop > 1024 px
    screens: { md: "768px", lg: "1025px" },
    colors: {
      transparent: "transparent",
      current: "currentColor",
      white: "#ffffff",
      black: "#000000",
      ...colors,
    },
    fontFamily: {
      sans: ["Inter", "system-ui", "sans-serif"],
      mono: ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    },
    // 12-32 px; line heights 1.4-1.8
    fontSize: {
      xs: ["12px", { lineHeight: "1.5" }],
      sm: ["14px", { lineHeight: "1.5" }],
      base: ["16px", { lineHeight: "1.6" }],
      lg: ["18px", { lineHeight: "1.5" }],
      xl: ["20px", { lineHeight: "1.4" }],
      "2xl": ["24px", { lineHeight: "1.4" }],
      "3xl": ["32px", { lineHeight: "1.4" }],
    },
    lineHeight: { tight: "1.4", normal: "1.6", relaxed: "1.8" },
    // a 4 px base: 4, 8, 12, 16, 20, 24, 32, 40, 48, 64
    spacing: {
      0: "0", px: "1px", 0.5: "2px", 1: "4px", 2: "8px", 3: "12px", 4: "16px", 5: "20px",
      6: "24px", 8: "32px", 10: "40px", 12: "48px", 16: "64px",
    },
    borderRadius: {
      none: "0", sm: "4px", DEFAULT: "8px", md: "8px", lg: "12px", xl: "20px",
      full: "9999px", circle: "50%",
    },
    // elevation levels 0-3
    boxShadow: {
      none: "none",
      0: "none",
      1: "0 1px 2px rgba(33, 37, 41, 0.08), 0 1px 3px rgba(33, 37, 41, 0.06)",
      2: "0 4px 8px rgba(33, 37, 41, 0.08), 0 2px 4px rgba(33, 37, 41, 0.06)",
      3: "0 12px 24px rgba(33, 37, 41, 0.14), 0 4px 8px rgba(33, 37, 41, 0.08)",
    },
    extend: {
      transitionTimingFunction: { DEFAULT: "cubic-bezier(0.4, 0, 0.2, 1)" },
      transitionDuration: { DEFAULT: "300ms" },
      width: { sidebar: "320px", details: "300px", chat: "360px" },
      maxWidth: { content: "800px", chat: "370px" },
      minWidth: { chat: "350px" },
    },
  },
};
