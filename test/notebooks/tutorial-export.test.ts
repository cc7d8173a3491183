// `npm run tutorial:html` (exportTutorial): executed pages, an index, and the images and sources the
// pages link to, so the folder works on its own. One notebook keeps it quick: 06 has Source links and
// the screenshot. (notebooks.test.ts exports every notebook and checks its figures.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTutorial } from '../../src/notebook/tutorial-export';
import { freePort } from './free-port';

describe('exportTutorial', () => {
  let work: string;
  beforeAll(() => (work = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-export-test-'))));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('writes each notebook as a page with its outputs, an index, and what the pages link to', async () => {
    const closedPort = await freePort(); // a localtunnel server that is not there
    const outDir = path.join(work, 'site');
    const logged: string[] = [];
    const index = await exportTutorial({
      outDir,
      notebooks: ['06-public-url.ipynb'],
      env: { LT_HOST: `http://127.0.0.1:${closedPort}`, LT_TIMEOUT_MS: '1500', AUTHBOOK_SHARED_SERVER_FILE: path.join(work, 'share.json') },
      log: (line) => logged.push(line),
    });

    expect(index).toBe(path.join(outDir, 'index.html'));
    const indexHtml = fs.readFileSync(index, 'utf8');
    expect(indexHtml).toContain('<li><a href="notebooks/06-public-url.html">6. Start the server (public URL)</a></li>');
    expect(logged).toEqual(['executing 06-public-url.ipynb', `wrote ${index}`]);

    const publicUrl = fs.readFileSync(path.join(outDir, 'notebooks', '06-public-url.html'), 'utf8');
    expect(publicUrl).toMatch(/the server answers at http:\/\/127\.0\.0\.1:\d+/); // executed: outputs included
    const sources = [...publicUrl.matchAll(/href="(\.\.\/src\/[^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(fs.existsSync(path.join(outDir, 'notebooks', source))).toBe(true);

    const images = [...publicUrl.matchAll(/<img [^>]*src="([^"]+)"/g)].map((match) => match[1]);
    expect(images).toContain('images/web-page.png');
    for (const image of images) expect(fs.existsSync(path.join(outDir, 'notebooks', image))).toBe(true);
  }, 180_000);
});
