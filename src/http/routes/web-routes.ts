// The web page for people (/app), the API documentation page (/docs) and the OpenAPI document it
// reads (/openapi.json). The pages are static files built from src/web into dist/web, served with
// helmet's full header set; its Content-Security-Policy allows no inline script or style.
import path from 'node:path';
import express, { Router } from 'express';
import { HttpError } from '../error-handler';
import { buildOpenApiDocument } from '../openapi';
import { pageSecurityHeaders } from '../security-headers';

/** dist/web of this package, whether this file runs from src/ (tests) or from dist/. */
export const WEB_ASSETS_DIR = path.join(__dirname, '..', '..', '..', 'dist', 'web');

export function webRoutes(assetsDir = WEB_ASSETS_DIR): Router {
  const router = Router();
  let openApiDocument: ReturnType<typeof buildOpenApiDocument> | null = null; // built on first request

  const page = (file: string): express.RequestHandler => (_req, res, next) => {
    res.sendFile(file, { root: assetsDir }, (error) => {
      if (error) next(new HttpError(404, 'not_found', `The web page is not built: run npm run build (${file} is missing)`));
    });
  };

  router.use(['/app', '/docs'], pageSecurityHeaders);
  // the page itself, and the two routes emailed links open (their token is in the fragment)
  for (const route of ['/app', '/app/reset', '/app/verify']) router.get(route, page('index.html'));
  router.get('/docs', page('docs.html'));
  router.get('/openapi.json', (_req, res) => {
    openApiDocument ??= buildOpenApiDocument();
    res.json(openApiDocument);
  });
  // the pages' scripts and styles; anything else under /app falls through to the JSON 404
  router.use('/app', express.static(assetsDir, { index: false, redirect: false, dotfiles: 'ignore', extensions: false }));
  return router;
}
