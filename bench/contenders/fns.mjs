// The same functions as square.ts and fib.ts, in plain JS, so the floors run on bare `node` with no
// TypeScript loader in their start-up time.
export function square(line) {
  const x = Number(line);
  return String(x * x);
}

export function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function fibLine(line) {
  return String(fib(Number(line)));
}

export const fns = { square, fibLine };
