// An inline SVG chart drawn by the server: purged paths per minute as bars, calls as a line, failures marked.
import type { TimelineBucket } from '../purge/call-log';

const W = 720;
const H = 150;
const LEFT = 36;
const BOTTOM = 18;
const TOP = 8;

/** Scales `value` of `max` to a y coordinate inside the plot. Pure. */
const y = (value: number, max: number) => H - BOTTOM - (max === 0 ? 0 : (value / max) * (H - BOTTOM - TOP));

export function ActivityChart({ buckets, id }: { buckets: readonly TimelineBucket[]; id: string }) {
  const n = Math.max(buckets.length, 1);
  const step = (W - LEFT) / n;
  const maxPaths = Math.max(1, ...buckets.map((b) => b.paths));
  const maxCalls = Math.max(1, ...buckets.map((b) => b.calls));
  const total = buckets.reduce((t, b) => ({ calls: t.calls + b.calls, failed: t.failed + b.failed, paths: t.paths + b.paths }), {
    calls: 0,
    failed: 0,
    paths: 0,
  });
  const x = (i: number) => LEFT + i * step;
  const line = buckets.map((b, i) => `${(x(i) + step / 2).toFixed(1)},${y(b.calls, maxCalls).toFixed(1)}`).join(' ');
  const minutes = Math.round((buckets.length * (buckets[1] && buckets[0] ? buckets[1].at - buckets[0].at : 60_000)) / 60_000);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>{`Purged paths and calls per minute, last ${minutes} minutes`}</title>
      <desc
        id={`${id}-d`}
      >{`${total.paths} paths purged in ${total.calls} calls, ${total.failed} failed; at most ${maxPaths} paths in a minute.`}</desc>
      <line x1={LEFT} y1={H - BOTTOM} x2={W} y2={H - BOTTOM} stroke="#9aa0a6" />
      <text x={LEFT - 4} y={TOP + 8} text-anchor="end" font-size="10" fill="#0b57d0">
        {maxPaths}
      </text>
      <text x={LEFT - 4} y={H - BOTTOM} text-anchor="end" font-size="10" fill="#5f6368">
        0
      </text>
      <text x={LEFT} y={H - 4} font-size="10" fill="#5f6368">{`−${minutes} min`}</text>
      <text x={W - 2} y={H - 4} text-anchor="end" font-size="10" fill="#5f6368">
        now
      </text>
      {buckets.map((b, i) =>
        b.paths > 0 ? (
          <rect
            x={(x(i) + 1).toFixed(1)}
            y={y(b.paths, maxPaths).toFixed(1)}
            width={Math.max(1, step - 2).toFixed(1)}
            height={(H - BOTTOM - y(b.paths, maxPaths)).toFixed(1)}
            fill="#8ab4f8"
          >
            <title>{`${new Date(b.at).toISOString().slice(11, 16)}Z: ${b.paths} paths, ${b.calls} calls${b.failed ? `, ${b.failed} failed` : ''}`}</title>
          </rect>
        ) : null,
      )}
      <polyline points={line} fill="none" stroke="#e37400" stroke-width="1.5" />
      {buckets.map((b, i) =>
        b.failed > 0 ? <circle cx={(x(i) + step / 2).toFixed(1)} cy={TOP + 2} r="3" fill="#b3261e" /> : null,
      )}
      <text x={(LEFT + W) / 2} y={H - 4} text-anchor="middle" font-size="10">
        <tspan fill="#0b57d0">{`▮ paths purged (max ${maxPaths}/min)`}</tspan>
        <tspan fill="#e37400">{`  ― calls (max ${maxCalls}/min)`}</tspan>
        <tspan fill="#b3261e"> ● failed</tspan>
      </text>
    </svg>
  );
}
