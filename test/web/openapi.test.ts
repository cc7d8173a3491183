// The OpenAPI document against the app itself: every route the Express router holds is documented
// and nothing else is; each request schema is the JSON Schema of the zod constant the route parses
// with; and the server refuses what the document says it refuses.
import type { Express } from 'express';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app';
import { buildOpenApiDocument } from '../../src/http/openapi';
import * as schemas from '../../src/http/schemas';
import { loginAdmin, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const doc = buildOpenApiDocument() as any;

/** "METHOD /path/{param}" of every route in the app's router, one level of mounted routers deep. */
function routesOf(app: Express): string[] {
  const found: string[] = [];
  const visit = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) found.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
      else if (layer.handle?.stack) visit(layer.handle.stack);
    }
  };
  visit((app as any).router.stack);
  return found.sort();
}

const documented = (): string[] =>
  Object.entries(doc.paths as Record<string, object>).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)).sort();

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
};

const operation = (key: string) => {
  const [method, path] = key.split(' ');
  return doc.paths[path][method.toLowerCase()];
};

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document, the same the server builds', async () => {
    const response = await server.request('GET', '/openapi.json');
    expect(response.body).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('documents every route of the app, and only those', () => {
    const routes = routesOf(createApp({ auth: server.running.auth }));
    expect(routes.length).toBeGreaterThan(15);
    expect(documented()).toEqual(routes);
  });

  it('gives each path parameter of a template, and every operation an answer and a security rule', () => {
    for (const key of documented()) {
      const op = operation(key);
      const templated = [...key.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const inPath = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
      expect(inPath, key).toEqual(templated);
      expect(Object.keys(op.responses).length, key).toBeGreaterThan(0);
      expect(Array.isArray(op.security), key).toBe(true);
    }
  });

  it.each([
    ['POST /register', schemas.registerBody],
    ['POST /login', schemas.loginBody],
    ['POST /token/refresh', schemas.refreshBody],
    ['POST /users/me/password', schemas.changePasswordBody],
    ['PATCH /admin/users/{id}', schemas.updateUserBody],
  ])('the body of %s is the JSON Schema of its zod schema', (key, schema) => {
    expect(operation(key).requestBody.content['application/json'].schema).toEqual(jsonSchema(schema));
  });

  it.each([
    ['GET /admin/users', 'query', schemas.listUsersQuery],
    ['GET /admin/audit', 'query', schemas.listAuditQuery],
    ['PATCH /admin/users/{id}', 'path', schemas.userIdParam],
    ['DELETE /admin/users/{id}', 'path', schemas.userIdParam],
    ['DELETE /admin/users/{id}/sessions', 'path', schemas.userIdParam],
    ['DELETE /users/me/sessions/{id}', 'path', schemas.sessionIdParam],
  ])('the %s parameters (%s) are the properties of its zod schema', (key, location, schema) => {
    const expected = jsonSchema(schema) as { properties: Record<string, object>; required?: string[] };
    const parameters = operation(key).parameters.filter((p: any) => p.in === location);
    expect(Object.fromEntries(parameters.map((p: any) => [p.name, p.schema]))).toEqual(expected.properties);
    for (const p of parameters) expect(p.required, p.name).toBe(location === 'path' || (expected.required ?? []).includes(p.name));
  });

  it('operations without a body document none, and the server agrees with each documented body', async () => {
    const admin = await loginAdmin(server);
    const withBody = documented().filter((key) => operation(key).requestBody);
    expect(withBody).toEqual([
      'DELETE /users/me/mfa/totp',
      'PATCH /admin/users/{id}',
      'POST /email/verify',
      'POST /login',
      'POST /login/mfa',
      'POST /password/forgot',
      'POST /password/reset',
      'POST /register',
      'POST /token/introspect',
      'POST /token/refresh',
      'POST /users/me/email',
      'POST /users/me/mfa/totp/confirm',
      'POST /users/me/mfa/totp/setup',
      'POST /users/me/password',
      'POST /users/me/reauthenticate',
      'POST /webauthn/login/options',
      'POST /webauthn/login/verify',
      'POST /webauthn/register/verify',
    ]);
    for (const key of withBody) {
      const [method, template] = key.split(' ');
      const schema = operation(key).requestBody.content['application/json'].schema;
      // a field the document does not list is refused (additionalProperties: false), and so is a missing required one
      const response = await server.request(method, template.replace('{id}', '1'), { token: admin.token, body: { not_in_the_document: 1 } });
      expect(response.status, key).toBe(400);
      const paths = response.body.details.map((detail: { path: string }) => detail.path);
      expect(paths, key).toEqual(expect.arrayContaining(['not_in_the_document', ...(schema.required ?? [])]));
    }
  });

  it('a query value beyond its documented maximum is refused', async () => {
    const admin = await loginAdmin(server);
    for (const key of ['GET /admin/users', 'GET /admin/audit', 'GET /admin/outbox']) {
      const perPage = operation(key).parameters.find((p: any) => p.name === 'per_page');
      const response = await server.request('GET', `${key.split(' ')[1]}?per_page=${perPage.schema.maximum + 1}`, { token: admin.token });
      expect(response.status, key).toBe(400);
      expect(response.body.details[0].path).toBe('per_page');
    }
  });
});
