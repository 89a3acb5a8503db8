// The same theme as the agent inbox: one preset carries DESIGN.md's tokens for both UIs. The
// admin adds a few larger sizes for its page layout (on the same 4 px grid).
import preset from "@parley/tokens";

/** @type {import('tailwindcss').Config} */
export default {
  presets: [preset],
  content: ["./index.html", "./preview.html", "./src/**/*.{ts,tsx}"],
  theme: {
    extend: {
      spacing: { 14: "56px", 20: "80px", 24: "96px", 32: "128px", 40: "160px", 56: "224px",
        64: "256px", 80: "320px", 96: "384px" },
      width: { nav: "224px", preview: "400px" },
    },
  },
};
