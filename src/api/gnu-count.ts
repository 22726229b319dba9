/**
 * A number as GNU parallel's -j writes it, which its --load takes too ("the same syntax as
 * --jobs"): N, N% of the cores, or +N and -N more or fewer than them. Undefined for anything
 * else. `fractions`: a plain N may have decimals (a load of 1.5). What 0 means is each
 * option's own.
 */
export function gnuCount(value: string, cores: number, fractions = false): number | undefined {
  const written = value.trim();
  if ((fractions ? /^\d+(\.\d+)?$/ : /^\d+$/).test(written)) return Number(written);
  if (/^\d+(\.\d+)?%$/.test(written)) return (cores * Number(written.slice(0, -1))) / 100;
  if (/^[+-]\d+$/.test(written)) return cores + Number(written);
  return undefined;
}
