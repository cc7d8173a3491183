// The package version, read from package.json (one level above src/ and dist/ alike).
import fs from 'node:fs';
import path from 'node:path';

export const VERSION: string = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;
