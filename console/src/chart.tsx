// Bar charts drawn by Chart.js (a maintained chart library; the DSFR's own chart components are
// Vue components over the same library, and need inline styles the console's CSP forbids).
// The canvas is an image whose name says every figure; the page shows the same figures as a
// table beside it, for screen readers and for reading exact amounts.
import { useEffect, useRef } from 'preact/hooks';

/** The DSFR's colours: blue France, its lighter blue, success green, error red, warning orange, grey. */
export const TONES = { blue: '#000091', lightBlue: '#6a6af4', green: '#18753c', red: '#ce0500', orange: '#b34000', grey: '#666666' } as const;
export type Tone = keyof typeof TONES;

export interface Series {
  label: string;
  values: number[];
  tone: Tone | Tone[];
}

const engine = () => import('./chart-engine.js');

export function BarChart({
  title,
  labels,
  series,
  stacked = false,
  format = (n) => n.toLocaleString('fr-FR'),
}: {
  title: string;
  labels: string[];
  series: Series[];
  stacked?: boolean;
  format?: (value: number) => string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let live = true;
    void engine().then(({ Chart }) => {
      if (!live || !canvas.current) return;
      chart = new Chart(canvas.current, {
        type: 'bar',
        data: {
          labels,
          datasets: series.map((s) => ({
            label: s.label,
            data: s.values,
            backgroundColor: Array.isArray(s.tone) ? s.tone.map((t) => TONES[t]) : TONES[s.tone],
            maxBarThickness: 28,
          })),
        },
        options: {
          indexAxis: 'y',
          responsive: true,
          maintainAspectRatio: false,
          scales: {
            x: { stacked, beginAtZero: true, ticks: { callback: (v) => format(Number(v)), maxTicksLimit: 6, precision: 0 } },
            y: { stacked, grid: { display: false } },
          },
          plugins: {
            legend: { display: series.length > 1, position: 'bottom' },
            tooltip: { callbacks: { label: (c) => `${c.dataset.label ?? ''} : ${format(Number(c.raw))}` } },
          },
        },
      });
    });
    return () => {
      live = false;
      chart?.destroy();
    };
  }, [JSON.stringify([labels, series, stacked])]);
  const said = labels.map((l, i) => `${l} : ${series.map((s) => (series.length > 1 ? `${s.label} ${format(s.values[i] ?? 0)}` : format(s.values[i] ?? 0))).join(', ')}`);
  return (
    <figure class="fr-m-0 fr-mb-2w console-chart" style={{ height: `${labels.length * 40 + (series.length > 1 ? 80 : 50)}px` }}>
      <canvas ref={canvas} role="img" aria-label={`${title}. ${said.join(' ; ')}.`} />
    </figure>
  );
}
