// The OpenAPI 3.1 document of the API, built from ENDPOINTS (paths and summaries) and OPERATIONS
// (the zod schemas the routes parse with, turned into JSON Schema by zod itself): the document
// cannot describe a body the server does not check. Served at /openapi.json, rendered at /docs.
import { z } from 'zod';
import { VERSION } from '../version';
import { OPERATIONS, type OperationSpec } from './openapi-operations';
import { COOKIE_MODE_HEADER, CSRF_COOKIE, CSRF_HEADER, DEVICE_COOKIE, DEVICE_HEADER, REFRESH_COOKIE } from './browser-cookies';
import { ENDPOINTS, type EndpointKey } from './routes/home-routes';

type JsonSchema = Record<string, unknown>;
type Json = Record<string, unknown>;

const ERROR_STATUS: Record<number, string> = {
  400: 'Bad input: `validation_error` (see `details[].path`), `malformed_json`, `malformed_request` (e.g. a path parameter that is not valid percent-encoding), `weak_password`, `unknown_role`, `invalid_code`, `invalid_current_password`',
  401: 'Not authenticated: `unauthorized`, `invalid_token`, `invalid_credentials`, `invalid_refresh_token`, `refresh_token_reused`, `invalid_mfa_token`, `invalid_mfa_code`, `invalid_passkey`',
  403: 'Not allowed: `forbidden`, `account_disabled`, `csrf_failed`, `reauthentication_required` (POST /users/me/reauthenticate first)',
  404: 'No such resource: `not_found`',
  409: 'Conflict: `email_taken`, `username_taken`, `last_admin`, `mfa_already_enabled`, `mfa_not_enabled`',
  429: 'Too many attempts: `rate_limited`, `account_locked` (see `Retry-After`)',
  503: 'The database is not answering',
};

/** Groups for the docs page, by the first path segment. */
const TAG_OF_SEGMENT: Record<string, string> = {
  register: 'auth',
  login: 'auth',
  token: 'auth',
  logout: 'auth',
  '.well-known': 'auth',
  users: 'account',
  admin: 'admin',
  app: 'pages',
  docs: 'pages',
};

/** JSON Schema (draft 2020-12, OpenAPI 3.1's dialect) of what a client sends: the schema's input side. */
export function requestJsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  return rest;
}

/** One OpenAPI parameter per property of an object schema (path parameters, query strings). */
function parametersOf(schema: z.ZodType, location: 'path' | 'query'): Json[] {
  const json = requestJsonSchema(schema) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

function cookieModeHeaders(mode: NonNullable<OperationSpec['cookieMode']>): Json[] {
  const cookieHeader = {
    name: COOKIE_MODE_HEADER,
    in: 'header',
    required: false,
    description: `\`1\`: for a browser page. The refresh token is set as the httpOnly, SameSite=Strict cookie \`${REFRESH_COOKIE}\` and left out of the body; \`${CSRF_COOKIE}\` carries the CSRF token for the page to read`,
    schema: { type: 'string', enum: ['1'] },
  };
  if (mode === 'issues') return [cookieHeader];
  const csrfHeader = {
    name: CSRF_HEADER,
    in: 'header',
    required: false,
    description: `Needed when the body is empty and the \`${REFRESH_COOKIE}\` cookie is used: the value of the \`${CSRF_COOKIE}\` cookie (403 \`csrf_failed\` otherwise)`,
    schema: { type: 'string' },
  };
  return [cookieHeader, csrfHeader];
}

const DEVICE_TOKEN_HEADER: Json = {
  name: DEVICE_HEADER,
  in: 'header',
  required: false,
  description: `The \`device_token\` an earlier login of this account answered (the page sends the \`${DEVICE_COOKIE}\` cookie instead): while the account is locked for unknown clients, this client still gets in with the right password, within a small budget of its own`,
  schema: { type: 'string' },
};

function securityOf(spec: OperationSpec): { security: Json[]; note?: string } {
  if (spec.cookieMode === 'refreshes') return { security: [{}, { refreshCookie: [] }] };
  if (spec.introspectionClient) return { security: [{ introspectionClient: [] }] };
  if (spec.access === 'public') return { security: [] };
  if (spec.access === 'optional') return { security: [{}, { bearerAuth: [] }], note: 'A Bearer token is optional; an admin\'s allows more' };
  if (spec.access === 'bearer') return { security: [{ bearerAuth: [] }] };
  return { security: [{ bearerAuth: [] }], note: `Needs the permission(s): ${spec.access.permissions.join(', ')}` };
}

function responsesOf(spec: OperationSpec): Json {
  const [okStatus, okDescription] = spec.ok;
  const content = spec.html ? { 'text/html': { schema: { type: 'string' } } } : { 'application/json': { schema: { type: 'object' } } };
  const statuses = new Set(spec.errors ?? []);
  if (spec.body || spec.query || spec.params) statuses.add(400);
  if (spec.access !== 'public' && spec.access !== 'optional') statuses.add(401);
  if (typeof spec.access === 'object' || spec.access === 'optional') statuses.add(403);
  const responses: Json = { [okStatus]: { description: okDescription, content } };
  for (const status of [...statuses].sort((a, b) => a - b)) {
    responses[status] = { description: ERROR_STATUS[status], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return responses;
}

function operationOf(key: EndpointKey, spec: OperationSpec): Json {
  const { security, note } = securityOf(spec);
  const parameters = [
    ...(spec.params ? parametersOf(spec.params, 'path') : []),
    ...(spec.query ? parametersOf(spec.query, 'query') : []),
    ...(spec.cookieMode ? cookieModeHeaders(spec.cookieMode) : []),
    ...(spec.deviceToken ? [DEVICE_TOKEN_HEADER] : []),
  ];
  return {
    operationId: key.replace(' / ', ' root ').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/_$/, ''),
    summary: ENDPOINTS[key],
    ...(note && { description: note }),
    tags: [TAG_OF_SEGMENT[key.split('/')[1]] ?? 'service'],
    security,
    ...(parameters.length > 0 && { parameters }),
    ...(spec.body && {
      requestBody: {
        required: spec.cookieMode !== 'refreshes', // the cookie may stand in for the body
        content: {
          'application/json': { schema: requestJsonSchema(spec.body) },
          ...(spec.introspectionClient && { 'application/x-www-form-urlencoded': { schema: requestJsonSchema(spec.body) } }),
        },
      },
    }),
    responses: responsesOf(spec),
  };
}

/**
 * @example
 * const doc = buildOpenApiDocument();
 * doc.paths['/login'].post.requestBody.content['application/json'].schema; // from loginBody
 */
export function buildOpenApiDocument(): { openapi: '3.1.0'; paths: Record<string, Record<string, Json>> } & Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const key of Object.keys(ENDPOINTS) as EndpointKey[]) {
    const [method, route] = key.split(' ');
    const path = route.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationOf(key, OPERATIONS[key]) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'authbook',
      version: VERSION,
      description:
        'User authentication & authorization: register, log in, rotating refresh tokens, sessions, roles and permissions. ' +
        'Errors are always `{error, message}` (plus `details: [{path, message}]` for bad input).',
    },
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: REFRESH_COOKIE },
        introspectionClient: { type: 'http', scheme: 'basic', description: 'A client of INTROSPECTION_CLIENTS (id:secret)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error', 'message'],
          properties: {
            error: { type: 'string', description: 'A stable code, e.g. validation_error' },
            message: { type: 'string' },
            details: {
              type: 'array',
              items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}
