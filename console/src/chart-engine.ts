// Chart.js with only the pieces a bar chart needs (tree-shaken), loaded on demand by chart.tsx
// so the pages without a chart do not download it. Canvas drawing and CSSOM sizing only: the
// console's Content-Security-Policy (no inline style) holds.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);
Chart.defaults.font.family = 'Marianne, arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = '#161616';
Chart.defaults.animation = false;

export { Chart };
