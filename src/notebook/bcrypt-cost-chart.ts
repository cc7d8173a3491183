// How long one bcrypt hash takes at each cost, measured on this machine, and a small SVG bar chart
// of it. Each step of cost doubles the work for the server and for anyone guessing passwords from a
// stolen database alike: the chart lets a learner pick BCRYPT_ROUNDS from their own numbers.
import { createPasswordHasher } from '../auth/passwords';
import { escapeHtml } from './html';

export interface CostTiming {
  cost: number;
  /** Median of the samples, in milliseconds. */
  ms: number;
}

/**
 * Hashes a fixed demo password `samples` times at each cost, with the service's own hasher.
 *
 * @example
 * const timings = await measureBcryptCosts([8, 9, 10, 11, 12, 13], 3);
 * // [{ cost: 8, ms: 14.2 }, { cost: 9, ms: 28.1 }, ...]
 */
export async function measureBcryptCosts(costs: number[], samples = 3): Promise<CostTiming[]> {
  const timings: CostTiming[] = [];
  for (const cost of costs) {
    const hasher = createPasswordHasher(cost);
    const runs: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = process.hrtime.bigint();
      await hasher.hash('a demo password, never stored');
      runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    runs.sort((a, b) => a - b);
    timings.push({ cost, ms: runs[Math.floor(runs.length / 2)] });
  }
  return timings;
}

const WIDTH = 560;
const HEIGHT = 280;
const MARGIN = { top: 30, right: 20, bottom: 40, left: 60 };

/**
 * A bar per cost, labelled with its time; a dashed line marks `targetMs` (a common goal for login).
 *
 * @example
 * tslab.display.svg(bcryptCostChartSvg(timings));
 */
export function bcryptCostChartSvg(timings: CostTiming[], targetMs = 250): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = Math.max(targetMs * 1.2, ...timings.map((t) => t.ms)) * 1.1;
  const y = (ms: number) => MARGIN.top + plotHeight - (ms / top) * plotHeight;
  const slot = plotWidth / Math.max(1, timings.length);
  const bars = timings.map((t, i) => {
    const x = MARGIN.left + i * slot + slot * 0.15;
    const barWidth = slot * 0.7;
    const label = t.ms >= 100 ? t.ms.toFixed(0) : t.ms.toFixed(1);
    return (
      `<rect x="${x.toFixed(1)}" y="${y(t.ms).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(MARGIN.top + plotHeight - y(t.ms)).toFixed(1)}" fill="#3b7dd8"/>` +
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(t.ms) - 6).toFixed(1)}" text-anchor="middle" font-size="12">${label} ms</text>` +
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle" font-size="12">${t.cost}</text>`
    );
  });
  const target = y(targetMs).toFixed(1);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif">`,
    `<text x="${WIDTH / 2}" y="18" text-anchor="middle" font-size="14">${escapeHtml('One bcrypt hash on this machine (median)')}</text>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotHeight}" x2="${WIDTH - MARGIN.right}" y2="${MARGIN.top + plotHeight}" stroke="#333"/>`,
    `<line x1="${MARGIN.left}" y1="${target}" x2="${WIDTH - MARGIN.right}" y2="${target}" stroke="#d9534f" stroke-dasharray="6 4"/>`,
    `<text x="${MARGIN.left - 6}" y="${target}" text-anchor="end" font-size="11" fill="#d9534f">${targetMs} ms</text>`,
    ...bars,
    `<text x="${WIDTH / 2}" y="${HEIGHT - 6}" text-anchor="middle" font-size="12">cost (BCRYPT_ROUNDS): each step doubles the work</text>`,
    '</svg>',
  ].join('\n');
}
