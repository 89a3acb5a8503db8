// The widget's CSS custom properties (--pw-*), from the preset's values. The widget writes them
// into its loader CSS literally (widget/src/ui/launcher.ts: the loader stays small, with no
// token table to ship); widget/test/tokens.test.ts fails when the two differ.
import preset, { colors } from "./tailwind.preset.js";

const t = preset.theme;
const px = (key) => t.spacing[key];

/** The light theme (the dark one only swaps surfaces and text). */
export const WIDGET_VARS = {
  "--pw-primary": colors.primary.DEFAULT,
  "--pw-on-primary": "#fff",
  "--pw-accent": colors.primary[600],
  "--pw-on-accent": "#fff",
  "--pw-secondary-l": colors.secondary.DEFAULT,
  "--pw-secondary-d": colors.secondary[400],
  "--pw-success": colors.success[700],
  "--pw-warning": colors.warning.DEFAULT,
  "--pw-error": colors.error[600],
  "--pw-bg": "#fff",
  "--pw-fg": "#1f2328",
  "--pw-surface": colors.secondary[50],
  "--pw-border": colors.secondary[200],
  // Inter first, as in the UIs, then each platform's own sans-serif (the host page may not load Inter).
  "--pw-font": `${t.fontFamily.sans.slice(0, 2).join(",")},-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif`,
  "--pw-fs-xs": t.fontSize.xs[0],
  "--pw-fs-sm": t.fontSize.sm[0],
  "--pw-fs-md": "15px", // the chat's body text, between sm and base
  "--pw-fs-lg": t.fontSize.lg[0],
  "--pw-fs-xl": t.fontSize.xl[0],
  "--pw-s1": px(1), "--pw-s2": px(2), "--pw-s3": px(3), "--pw-s4": px(4), "--pw-s5": px(5),
  "--pw-s6": px(6), "--pw-s8": px(8),
  "--pw-r1": t.borderRadius.sm, "--pw-r2": t.borderRadius.md, "--pw-r3": t.borderRadius.lg,
  "--pw-r4": t.borderRadius.xl,
  "--pw-ease": `.3s ${t.extend.transitionTimingFunction.DEFAULT.replace(/0\./g, ".").replace(/, /g, ",")}`,
};
