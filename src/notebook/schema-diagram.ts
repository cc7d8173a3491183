// A diagram of the tables and their keys, read from the open database itself (SQLite's table_list,
// table_info and foreign_key_list pragmas), so the picture is the schema the migrations built and
// cannot drift from it. Tables with foreign keys stand in columns, each to the right of what it
// references; tables without any stand in a row below.
import type { SqliteDatabase } from '../db/sqlite/open-database';
import { escapeHtml } from './html';

interface Column {
  name: string;
  type: string;
  primaryKey: boolean;
}

interface ForeignKey {
  from: string;
  table: string;
  to: string;
}

interface Table {
  name: string;
  columns: Column[];
  foreignKeys: ForeignKey[];
}

const BOX_WIDTH = 200;
const GAP_X = 50;
const GAP_Y = 26;
const HEADER_HEIGHT = 22;
const ROW_HEIGHT = 16;
const MARGIN = 16;
const LINE_COLOURS = ['#3b7dd8', '#2e7d32', '#b26a00', '#9c27b0', '#c62828', '#00838f'];

function readTables(db: SqliteDatabase): Table[] {
  const names = (db.pragma('table_list') as Array<{ schema: string; name: string; type: string }>)
    .filter((table) => table.schema === 'main' && table.type === 'table' && !table.name.startsWith('sqlite_'))
    .map((table) => table.name)
    .sort();
  return names.map((name) => ({
    name,
    columns: (db.pragma(`table_info(${JSON.stringify(name)})`) as Array<{ name: string; type: string; pk: number }>).map((column) => ({
      name: column.name,
      type: column.type,
      primaryKey: column.pk > 0,
    })),
    foreignKeys: (db.pragma(`foreign_key_list(${JSON.stringify(name)})`) as Array<{ from: string; table: string; to: string | null }>).map((key) => ({
      from: key.from,
      table: key.table,
      to: key.to ?? 'id', // a bare REFERENCES t means t's primary key
    })),
  }));
}

const boxHeight = (table: Table) => HEADER_HEIGHT + table.columns.length * ROW_HEIGHT + 6;

/**
 * @example
 * tslab.display.html(schemaDiagramSvg(db)); // as HTML: HTML exports keep it, image/svg+xml loses its drawing
 */
export function schemaDiagramSvg(db: SqliteDatabase): string {
  const tables = readTables(db);
  const byName = new Map(tables.map((table) => [table.name, table]));
  const referenced = new Set(tables.flatMap((table) => table.foreignKeys.map((key) => key.table)));
  const connected = tables.filter((table) => table.foreignKeys.length > 0 || referenced.has(table.name));
  const standalone = tables.filter((table) => !connected.includes(table));

  // A table's column: one to the right of the deepest table it references.
  const depth = new Map<string, number>();
  const depthOf = (table: Table, seen: Set<string> = new Set()): number => {
    if (depth.has(table.name)) return depth.get(table.name)!;
    seen.add(table.name);
    const parents = table.foreignKeys.map((key) => byName.get(key.table)).filter((parent): parent is Table => parent !== undefined && !seen.has(parent.name));
    const value = parents.length === 0 ? 0 : 1 + Math.max(...parents.map((parent) => depthOf(parent, seen)));
    depth.set(table.name, value);
    return value;
  };
  const columns: Table[][] = [];
  for (const table of connected) (columns[depthOf(table)] ??= []).push(table);

  // Place column by column; in each, order tables by where what they reference stands (fewer crossings).
  const position = new Map<string, { x: number; y: number }>();
  let tallest = 0;
  columns.forEach((column, index) => {
    const anchor = (table: Table) => {
      const ys = table.foreignKeys.map((key) => position.get(key.table)?.y).filter((y): y is number => y !== undefined);
      return ys.length === 0 ? 0 : ys.reduce((sum, y) => sum + y, 0) / ys.length;
    };
    let y = MARGIN;
    for (const table of [...column].sort((a, b) => anchor(a) - anchor(b) || a.name.localeCompare(b.name))) {
      position.set(table.name, { x: MARGIN + index * (BOX_WIDTH + GAP_X), y });
      y += boxHeight(table) + GAP_Y;
    }
    tallest = Math.max(tallest, y);
  });
  const rowTop = tallest + 10;
  standalone.forEach((table, index) => position.set(table.name, { x: MARGIN + index * (BOX_WIDTH + GAP_X), y: rowTop + 18 }));
  const width = MARGIN * 2 + Math.max(columns.length, standalone.length) * (BOX_WIDTH + GAP_X) - GAP_X;
  const height = rowTop + 18 + Math.max(0, ...standalone.map(boxHeight)) + MARGIN;

  const rowY = (table: Table, column: string) => position.get(table.name)!.y + HEADER_HEIGHT + table.columns.findIndex((c) => c.name === column) * ROW_HEIGHT + 11;
  const boxes = tables.map((table) => {
    const { x, y } = position.get(table.name)!;
    const keyed = new Set(table.foreignKeys.map((key) => key.from));
    const rows = table.columns.map((column, i) => {
      const ty = y + HEADER_HEIGHT + i * ROW_HEIGHT + 15;
      const mark = [column.primaryKey ? 'PK' : '', keyed.has(column.name) ? 'FK' : ''].filter(Boolean).join(' ');
      return (
        `<text x="${x + 8}" y="${ty}" font-size="11" font-family="monospace"${column.primaryKey ? ' font-weight="bold"' : ''}>${escapeHtml(column.name)} <tspan fill="#777">${escapeHtml(column.type)}</tspan></text>` +
        (mark ? `<text x="${x + BOX_WIDTH - 6}" y="${ty}" font-size="10" text-anchor="end" fill="#b26a00">${mark}</text>` : '')
      );
    });
    return (
      `<rect x="${x}" y="${y}" width="${BOX_WIDTH}" height="${boxHeight(table)}" rx="4" fill="#fff" stroke="#3b7dd8"/>` +
      `<rect x="${x}" y="${y}" width="${BOX_WIDTH}" height="${HEADER_HEIGHT}" rx="4" fill="#eef3fb" stroke="#3b7dd8"/>` +
      `<text x="${x + 8}" y="${y + 15}" font-size="13" font-weight="bold">${escapeHtml(table.name)}</text>` +
      rows.join('')
    );
  });
  const links = connected.flatMap((table) =>
    table.foreignKeys
      .filter((key) => byName.has(key.table))
      .map((key, i) => {
        const parent = byName.get(key.table)!;
        const x1 = position.get(table.name)!.x;
        const y1 = rowY(table, key.from);
        const x2 = position.get(parent.name)!.x + BOX_WIDTH;
        const y2 = rowY(parent, key.to);
        const colour = LINE_COLOURS[(tables.indexOf(table) + i) % LINE_COLOURS.length];
        const bend = Math.max(30, (x1 - x2) / 2);
        return `<path d="M${x1},${y1} C${x1 - bend},${y1} ${x2 + bend},${y2} ${x2},${y2}" fill="none" stroke="${colour}" stroke-width="1.5"/><circle cx="${x2}" cy="${y2}" r="3" fill="${colour}"/>`;
      }),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto" font-family="sans-serif">`,
    ...links,
    ...boxes,
    standalone.length ? `<text x="${MARGIN}" y="${rowTop + 8}" font-size="12" fill="#555">Tables without foreign keys (keyed by their own values):</text>` : '',
    '</svg>',
  ].join('\n');
}
