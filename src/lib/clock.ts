/** Converts `value` ticks of clock `from` into ticks of clock `to` without float drift for integer inputs. */
export function rescale(value: number, from: number, to: number): number {
  if (from === to) return value;
  const whole = Math.trunc(value / from);
  const rest = value - whole * from;
  return whole * to + Math.trunc((rest * to) / from);
}
