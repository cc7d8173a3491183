// The order a request meets an Express app's middleware, read from the app itself (Express 5's
// app.router.stack), so the table in the notebook is the real order and cannot drift from it.
// Routers are expanded to the routes they answer.
import type { Express } from 'express';

export interface MiddlewareRow {
  position: number;
  name: string;
  /** For a router: its routes, e.g. "GET /users/me, GET /users/me/sessions". */
  answers: string;
}

interface Layer {
  name: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
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
 * // 1 apiSecurityHeaders | 2 jsonBody | 3 router  GET /, GET /healthz | ...
 */
export function middlewareRows(app: Express): MiddlewareRow[] {
  const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
  return stack.map((layer, index) => {
    const inner = layer.handle.stack ?? [];
    const routes = routesOf(inner);
    // A router mounted inside (e.g. the second-factor routes) adds routes, not a guard.
    const guards = inner.filter((each) => !each.route && !each.handle.stack).length;
    const answers = routes.length === 0 ? '' : `${routes.join(', ')}${guards > 0 ? `  (behind ${guards} guard${guards > 1 ? 's' : ''})` : ''}`;
    return { position: index + 1, name: layer.name === '<anonymous>' ? '(unnamed)' : layer.name, answers };
  });
}
