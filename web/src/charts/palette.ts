/**
 * Series colours: distinct in hue and readable on the light and the dark theme. "Other" is always
 * the neutral grey, so the eye reads it as the remainder.
 */
export const SERIES_COLORS = [
  '#3b82f6',
  '#14b8a6',
  '#f59e0b',
  '#ec4899',
  '#8b5cf6',
  '#22c55e',
  '#f97316',
  '#06b6d4',
  '#eab308',
  '#ef4444',
  '#6366f1',
  '#84cc16',
] as const;
export const OTHER_COLOR = '#94a3b8';

export const seriesColor = (index: number): string => SERIES_COLORS[index % SERIES_COLORS.length]!;
