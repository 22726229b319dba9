/**
 * Whether a terminal has a width to draw in. Some ptys report 0 columns: a line redrawn in
 * place there (the bar, ora's spinner, whose arithmetic then divides by zero and clears
 * lines for ever) cannot be drawn.
 */
export function drawableWidth(stream: { columns?: number }): boolean {
  return (stream.columns ?? 0) > 0;
}
