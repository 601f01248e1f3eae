/** `n` and the noun it counts, singular for one: "1 operation", "34 operations". */
export function counted(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}
