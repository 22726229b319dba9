// The prun script of the cpu case: a deliberately naive fib, ~20 ms per input at the calibrated n.
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export default function fibLine(line: string): string {
  return String(fib(Number(line)));
}
