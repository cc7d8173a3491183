// Shows real source on screen, so a notebook displays the code that actually runs, never a copy of
// it. A piece is named either by a `// #region name` ... `// #endregion name` block, or by what it
// declares (a function, constant, method, or a route such as `POST /register`), found with the
// TypeScript parser: naming by declaration needs no markers in files the tutorial does not own,
// and cannot be left pointing at code that moved.
import fs from 'node:fs';
import path from 'node:path';
import type * as TS from 'typescript';

/** src/ beside dist/: this file is src/notebook/ or dist/notebook/, two levels below the package. */
const SOURCE_ROOT = path.join(__dirname, '..', '..', 'src');

const readSource = (file: string): string => fs.readFileSync(path.join(SOURCE_ROOT, file), 'utf8');

/** Removes the indentation the lines have in common. */
function dedent(lines: string[]): string {
  const indent = Math.min(...lines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** The lines between the region markers, with their common indentation removed. */
export function sourceRegion(file: string, region: string): string {
  const lines = readSource(file).split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === `// #endregion ${region}`);
  if (start === -1 || end === -1) throw new Error(`no region '${region}' in src/${file}`);
  return dedent(lines.slice(start + 1, end));
}

// Loaded on first use: the compiler is a development dependency, and only the tutorial needs it.
const typescript = (): typeof TS => require('typescript') as typeof TS;

/** What a node declares, as a name a notebook can ask for; null for nodes that declare nothing. */
function declaredNames(ts: typeof TS, node: TS.Node): string[] {
  if (ts.isVariableStatement(node)) {
    return node.declarationList.declarations.flatMap((declaration) => (ts.isIdentifier(declaration.name) ? [declaration.name.text] : []));
  }
  if (
    (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) ||
      ts.isMethodDeclaration(node) || ts.isPropertyAssignment(node) || ts.isPropertySignature(node) || ts.isMethodSignature(node)) &&
    node.name !== undefined &&
    (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))
  ) {
    return [node.name.text];
  }
  // router.post('/register', ...) is named 'POST /register'
  if (ts.isExpressionStatement(node) && ts.isCallExpression(node.expression)) {
    const { expression: callee, arguments: args } = node.expression;
    if (ts.isPropertyAccessExpression(callee) && args.length > 0 && ts.isStringLiteral(args[0])) {
      return [`${callee.name.text.toUpperCase()} ${args[0].text}`];
    }
  }
  return [];
}

function findDeclarations(ts: typeof TS, root: TS.Node, name: string): TS.Node[] {
  const found: TS.Node[] = [];
  const visit = (node: TS.Node) => {
    if (declaredNames(ts, node).includes(name)) found.push(node);
    else ts.forEachChild(node, visit);
  };
  ts.forEachChild(root, visit);
  return found;
}

/**
 * The source of what `name` declares in src/`file`, its doc comment included. A dotted name looks
 * inside the one before it (`createTokenService.sign`), for names that occur more than once.
 *
 * @example
 * sourceDeclaration('http/routes/auth-routes.ts', 'POST /register'); // "router.post('/register', ..."
 */
export function sourceDeclaration(file: string, name: string): string {
  const ts = typescript();
  const text = readSource(file);
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  let scope: TS.Node = sourceFile;
  for (const part of name.split('.')) {
    const matches = findDeclarations(ts, scope, part);
    if (matches.length === 0) throw new Error(`nothing named '${name}' in src/${file}`);
    if (matches.length > 1) throw new Error(`'${part}' is declared ${matches.length} times in src/${file}: name the one around it too (outer.${part})`);
    scope = matches[0];
  }
  const start = scope.getStart(sourceFile, true);
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  // From the start of its line, so its first line keeps the indentation the others are measured by.
  return dedent((' '.repeat(start - lineStart) + text.slice(start, scope.end)).split('\n'));
}

/** A region when the file has one by that name, else a declaration. */
export function sourceCode(file: string, name: string): string {
  return readSource(file).includes(`// #region ${name}\n`) ? sourceRegion(file, name) : sourceDeclaration(file, name);
}

/**
 * The code as a titled Markdown code block, for tslab.display.markdown. The title links to the file,
 * relative to notebooks/ (where the notebooks and their outputs live).
 *
 * @example
 * tslab.display.markdown(sourceMarkdown('auth/tokens.ts', 'verify'));
 */
export function sourceMarkdown(file: string, name: string): string {
  return `[src/${file}](../src/${file}): \`${name}\`\n\n\`\`\`ts\n${sourceCode(file, name)}\n\`\`\``;
}
