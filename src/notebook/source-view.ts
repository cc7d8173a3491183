// Shows real source on screen: a `// #region name` ... `// #endregion name` block of a file under
// src/, as Markdown. The notebook then displays the code that actually runs, never a copy of it.
import fs from 'node:fs';
import path from 'node:path';

/** src/ beside dist/: this file is src/notebook/ or dist/notebook/, two levels below the package. */
const SOURCE_ROOT = path.join(__dirname, '..', '..', 'src');

/** The lines between the region markers, with their common indentation removed. */
export function sourceRegion(file: string, region: string): string {
  const lines = fs.readFileSync(path.join(SOURCE_ROOT, file), 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === `// #endregion ${region}`);
  if (start === -1 || end === -1) throw new Error(`no region '${region}' in src/${file}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(...body.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return body.map((line) => line.slice(indent)).join('\n');
}

/**
 * The region as a titled Markdown code block, for tslab.display.markdown.
 *
 * @example
 * tslab.display.markdown(sourceMarkdown('auth/tokens.ts', 'verify'));
 */
export function sourceMarkdown(file: string, region: string): string {
  return `**src/${file}** (region \`${region}\`)\n\n\`\`\`ts\n${sourceRegion(file, region)}\n\`\`\``;
}
