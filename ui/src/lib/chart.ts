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

/** Round tick values for an axis from 0 to `max` (about `count` of them). */
export function ticks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let i = 0; i < 100; i++) {
    const v = Math.round(i * step * 1000) / 1000;
    out.push(v);
    if (v >= max) break;
  }
  return out;
}
