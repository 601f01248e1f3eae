import type { RunPoint } from "../api";

/** SVG polyline points for one series of values (null: a gap), scaled into w × h. */
export function series(values: (number | null)[], max: number, w: number, h: number): string[] {
  const n = values.length;
  const x = (i: number) => (n <= 1 ? w / 2 : (i * w) / (n - 1));
  const y = (v: number) => h - (max <= 0 ? 0 : (v / max) * h);
  const lines: string[] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (cur.length) lines.push(cur.join(" "));
      cur = [];
    } else cur.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  });
  if (cur.length) lines.push(cur.join(" "));
  return lines;
}

/** Per step (by position), its times across runs; and the largest time. */
export function stepSeries(runs: RunPoint[]): { steps: (number | null)[][]; max: number } {
  const width = Math.max(0, ...runs.map((r) => r.times.length));
  const steps = Array.from({ length: width }, (_, s) => runs.map((r) => r.times[s] ?? null));
  const max = Math.max(0, ...runs.flatMap((r) => r.times.filter((t): t is number => t !== null)));
  return { steps, max };
}
