// The prun script of the map, memory and startup cases: one input line in, one result line out.
export default function square(line: string): string {
  const x = Number(line);
  return String(x * x);
}
