/** A chart's value axis: a grid line and a label per tick, and the two axis lines. */
export function ChartAxis({ axis, y, left, w, h }: { axis: number[]; y: (v: number) => number; left: number; w: number; h: number }) {
  return (
    <>
      {axis.map((t) => (
        <g key={t}>
          <line x1={left} y1={y(t)} x2={left + w} y2={y(t)} className="grid" />
          <text x={left - 4} y={y(t) + 3} textAnchor="end" className="tick">
            {t}
          </text>
        </g>
      ))}
      <line x1={left} y1={h} x2={left + w} y2={h} className="axis" />
      <line x1={left} y1={0} x2={left} y2={h} className="axis" />
    </>
  );
}
