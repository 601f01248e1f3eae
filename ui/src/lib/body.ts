/** A collapsed block of a body's layout: its opening line and its closing line. */
export type Fold = readonly [start: number, end: number];

/** The folds that hide lines: those not inside another collapsed fold, in order. */
function outermost(folds: readonly Fold[]): Fold[] {
  const out: Fold[] = [];
  for (const f of [...folds].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && f[0] <= last[1]) continue;
    out.push(f);
  }
  return out;
}

/** A body's `total` lines with `folds` collapsed: how many rows are drawn, the line each row
 *  shows, and the row of a line (undefined when a fold hides it). A collapsed fold shows its
 *  opening line and hides the lines after it up to its closing line. */
export function foldedView(total: number, folds: readonly Fold[]) {
  const shown = outermost(folds);
  const hidden = shown.reduce((n, [s, e]) => n + (e - s), 0);
  return {
    count: total - hidden,
    lineAt(row: number): number {
      let line = row;
      for (const [s, e] of shown) {
        if (line > s) line += e - s;
        else break;
      }
      return line;
    },
    rowOf(line: number): number | undefined {
      let row = line;
      for (const [s, e] of shown) {
        if (line > s && line <= e) return undefined;
        if (e < line) row -= e - s;
      }
      return row;
    },
    isFolded: (line: number) => shown.some(([s]) => s === line),
  };
}

/** `folds` with the block opening on `start` collapsed, or expanded when it was. */
export function toggleFold(folds: readonly Fold[], start: number, end: number): Fold[] {
  return folds.some(([s]) => s === start) ? folds.filter(([s]) => s !== start) : [...folds, [start, end]];
}

/** `folds` without those hiding `line` (a search hit or a finding is shown). */
export function unfoldTo(folds: readonly Fold[], line: number): Fold[] {
  return folds.filter(([s, e]) => !(line > s && line <= e));
}

/** `1.2 KB`, `3.4 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
