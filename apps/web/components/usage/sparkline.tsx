import type { MetricKind } from "@repo/usage";

/** A tiny trend line drawn on the server: no script, no layout shift. */
export function Sparkline({
  values,
  kind,
  className,
}: {
  values: number[];
  kind: MetricKind;
  className?: string;
}) {
  if (values.length === 0) return null;
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  const span = max - min || 1;
  const width = 100;
  const height = 24;
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map(
    (value, i) => `${(i * step).toFixed(2)},${(height - ((value - min) / span) * height).toFixed(2)}`,
  );
  const line = points.join(" ");
  const area = `0,${height} ${line} ${values.length > 1 ? width : 0},${height}`;
  return (
    <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className={className} aria-hidden>
      <polygon points={area} className={kind === "gauge" ? "fill-sky-100" : "fill-brand-50"} />
      <polyline
        points={line}
        fill="none"
        strokeWidth={1.5}
        vectorEffect="non-scaling-stroke"
        className={kind === "gauge" ? "stroke-sky-600" : "stroke-brand-600"}
      />
    </svg>
  );
}
