/** Pushed / pulled / failed per hour (uPlot), with the same numbers as a table for screen readers. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SyncStats } from '../api/client';

const SERIES = [
  { key: 'pushed', label: 'Pushed', stroke: '#0b5cad' },
  { key: 'pulled', label: 'Pulled', stroke: '#1a7f37' },
  { key: 'failed', label: 'Failed', stroke: '#c62828' },
] as const;

export function HourlyChart({ buckets }: { buckets: SyncStats['buckets'] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [buckets.map((b) => Date.parse(b.start) / 1000), ...SERIES.map((s) => buckets.map((b) => b[s.key]))];
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 280),
        height: 220,
        series: [{}, ...SERIES.map((s) => ({ label: s.label, stroke: s.stroke, width: 2, points: { show: false } }))],
        axes: [{ stroke: '#555' }, { stroke: '#555', size: 48 }],
        scales: { y: { range: (_u, _min, max) => [0, Math.max(Math.ceil(max * 1.15), 5)] } },
        // Labels only: the numbers are in the table for screen readers, and per point on hover.
        legend: { show: true, live: false },
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 280), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [buckets]);
  return (
    <figure class="chart">
      <div ref={box} aria-hidden="true" />
      <figcaption class="sr-only">
        <table>
          <caption>Records per hour, last 24 hours</caption>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              {SERIES.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((b) => (
              <tr key={b.start}>
                <td>{b.start}</td>
                {SERIES.map((s) => (
                  <td key={s.key}>{b[s.key]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </figcaption>
    </figure>
  );
}
