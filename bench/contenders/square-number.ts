// square.ts returning the number itself, for the memory case: prun writes it out. A function that
// calls String() on a number past the small integers makes V8 allocate that text in its old
// generation (its number-string cache), and the heap of its worker then grows with the input.
export default function square(line: string): number {
  const x = Number(line);
  return x * x;
}
