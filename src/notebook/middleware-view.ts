// The order a request meets an Express app's middleware, read from the app itself (Express 5's
// app.router.stack), so the table in the notebook is the real order and cannot drift from it.
// Routers are expanded to the routes they answer, and a layer made of steps (requestEntry) to its
// steps, in the order they run.
import type { Express } from 'express';

export interface MiddlewareRow {
  position: number;
  name: string;
  /** For a router or a route: its routes, e.g. "GET /users/me, GET /users/me/sessions"; for a layer of steps, the steps. */
  answers: string;
}

interface Layer {
  name: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[]; steps?: readonly string[] };
}

const routeOf = (layer: Layer): string | null =>
  layer.route
    ? `${Object.keys(layer.route.methods)
        .map((method) => method.toUpperCase())
        .join('/')} ${layer.route.path}`
    : null;

/** The routes of a router's stack, those of routers mounted inside it included. */
const routesOf = (stack: Layer[]): string[] =>
  stack.flatMap((layer) => (layer.route ? [routeOf(layer)!] : layer.handle.stack ? routesOf(layer.handle.stack) : []));

/**
 * @example
 * tslab.display.html(htmlTable(middlewareRows(createApp({ auth }))));
 * // 1 requestEntry  apiSecurityHeaders → requestBodies | 2 route  GET /users/me | 3 router  GET /users/me/sessions, ... | ...
 */
export function middlewareRows(app: Express): MiddlewareRow[] {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack.map((layer, index) => {
    const position = index + 1;
    if (layer.route) return { position, name: 'route', answers: routeOf(layer)! };
    if (layer.handle.steps) return { position, name: layer.name, answers: layer.handle.steps.join(' → ') };
    const inner = layer.handle.stack ?? [];
    const routes = routesOf(inner);
    // A router mounted inside (e.g. the second-factor routes) adds routes, not a guard.
    const guards = inner.filter((each) => !each.route && !each.handle.stack).length;
    const answers = routes.length === 0 ? '' : `${routes.join(', ')}${guards > 0 ? `  (behind ${guards} guard${guards > 1 ? 's' : ''})` : ''}`;
    return { position, name: layer.name === '<anonymous>' ? '(unnamed)' : layer.name, answers };
  });
}
