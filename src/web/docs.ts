// The page at /docs: reads /openapi.json and lays every operation out for people, grouped by tag,
// with who may call it, its parameters, its body's fields (from the zod schemas) and its answers.
import { byId, el, table } from './dom.js';

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean;
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  description?: string;
  schema: Schema;
}

interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  security: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string }>;
}

interface Document {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Operation>>;
}

/** Text with `backtick` spans (the document's descriptions use them) as text and <code> nodes. */
const withCode = (text: string): Array<Node | string> => text.split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));

/** "string, 3–32 characters, pattern ^[a-z]+$" */
function describeSchema(schema: Schema): string {
  const parts = [schema.enum ? `one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}` : (schema.type ?? 'any')];
  if (schema.format) parts.push(schema.format);
  if (schema.minLength !== undefined || schema.maxLength !== undefined) parts.push(`${schema.minLength ?? 0}–${schema.maxLength ?? '∞'} characters`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) parts.push(`${schema.minimum ?? '−∞'} to ${schema.maximum ?? '∞'}`);
  if (schema.pattern) parts.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

function access(operation: Operation): string {
  const schemes = operation.security.map((requirement) => Object.keys(requirement)[0] ?? 'none');
  if (schemes.length === 0) return 'public';
  const named = schemes.map((scheme) => ({ none: 'no token', bearerAuth: 'Bearer token', refreshCookie: 'refresh cookie' })[scheme] ?? scheme);
  return named.join(' or ') + (operation.description ? ` · ${operation.description}` : '');
}

function renderOperation(method: string, path: string, operation: Operation): HTMLElement {
  const parameters = operation.parameters ?? [];
  const body = operation.requestBody?.content['application/json']?.schema;
  const bodyRows = Object.entries(body?.properties ?? {}).map(([name, schema]) => [
    el('code', {}, name),
    (body?.required ?? []).includes(name) ? 'yes' : 'no',
    describeSchema(schema),
  ]);
  return el(
    'details',
    { class: 'operation', id: `${method}-${path}` },
    el('summary', {}, el('span', { class: `method ${method}` }, method.toUpperCase()), el('code', { class: 'path' }, path), el('span', { class: 'summary' }, operation.summary)),
    el('p', {}, el('strong', {}, 'Access: '), access(operation)),
    parameters.length > 0 && el('h4', {}, 'Parameters'),
    parameters.length > 0 &&
      table(
        ['Name', 'In', 'Required', 'Schema'],
        parameters.map((parameter) => [el('code', {}, parameter.name), parameter.in, parameter.required ? 'yes' : 'no', el('span', {}, ...withCode(parameter.description ?? describeSchema(parameter.schema)))]),
      ),
    body !== undefined && el('h4', {}, `Body (JSON${operation.requestBody?.required ? '' : ', optional'}${body.additionalProperties === false ? ', no other fields' : ''})`),
    body !== undefined && table(['Field', 'Required', 'Schema'], bodyRows),
    el('h4', {}, 'Answers'),
    table(['Status', 'Meaning'], Object.entries(operation.responses).map(([status, response]) => [el('code', {}, status), el('span', {}, ...withCode(response.description))])),
  );
}

async function start(): Promise<void> {
  const target = byId('operations');
  try {
    const response = await fetch('/openapi.json', { headers: { accept: 'application/json' } });
    const doc = (await response.json()) as Document;
    byId('api-title').textContent = `${doc.info.title} ${doc.info.version}`;
    byId('api-description').replaceChildren(...withCode(doc.info.description));
    const groups = new Map<string, HTMLElement[]>();
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const tag = operation.tags[0] ?? 'other';
        groups.set(tag, [...(groups.get(tag) ?? []), renderOperation(method, path, operation)]);
      }
    }
    target.replaceChildren(...[...groups].map(([tag, operations]) => el('section', { class: 'card wide' }, el('h2', {}, tag), ...operations)));
  } catch (error) {
    target.textContent = `Could not read /openapi.json: ${error instanceof Error ? error.message : String(error)}`;
  }
}

void start();
