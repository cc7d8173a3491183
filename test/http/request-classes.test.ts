// The real server builds each req and res with its app's prototypes already in place (see
// src/http/request-classes.ts), so Express's per-request prototype swap changes nothing; Express's
// request and response methods still work on them.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestClassesFor } from '../../src/http/request-classes';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';

interface Arrival {
  path: string;
  requestIsTheApps: boolean;
  responseIsTheApps: boolean;
}

/** What each request looks like when it arrives, before Express has touched it. */
function watchArrivals(server: http.Server): Arrival[] {
  const arrivals: Arrival[] = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestPrototype = Object.getPrototypeOf(req);
    const app = requestPrototype.app; // undefined on Node's own IncomingMessage.prototype
    arrivals.push({
      path: req.url ?? '',
      requestIsTheApps: app !== undefined && requestPrototype === app.request,
      responseIsTheApps: app !== undefined && Object.getPrototypeOf(res) === app.response,
    });
  });
  return arrivals;
}

describe('the shipped server', () => {
  let server: TestServer;
  let arrivals: Arrival[];
  beforeAll(async () => {
    server = await startTestServer();
    arrivals = watchArrivals(server.running.server);
  });
  afterAll(() => server.close());

  it('gets requests whose prototypes already are its app\'s, and answers them as before', async () => {
    const { token, username } = await registerUser(server);
    const me = await server.request('GET', '/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(username);
    expect((await server.request('GET', '/nowhere')).status).toBe(404);
    const malformed = await server.request('POST', '/login', { raw: '{"email":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toBeTypeOf('string');
    expect(arrivals.length).toBeGreaterThanOrEqual(4);
    expect(arrivals.filter((a) => !a.requestIsTheApps || !a.responseIsTheApps)).toEqual([]);
  });
});

describe('requestClassesFor', () => {
  let closeServer: () => Promise<void>;
  let url: string;
  const app = express();
  const appRequestBefore = app.request;
  const appResponseBefore = app.response;
  const classes = requestClassesFor(app);
  app.set('trust proxy', true);
  app.get('/echo', (req, res) => res.status(201).cookie('seen', '1').json({ header: req.get('x-echo'), ip: req.ip, sameApp: req.app === app }));

  beforeAll(async () => {
    const listener = http.createServer(classes, app).listen(0, '127.0.0.1');
    await new Promise((resolve) => listener.once('listening', resolve));
    url = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    closeServer = () => new Promise((resolve) => listener.close(() => resolve()));
  });
  afterAll(() => closeServer());

  it('keeps Express\'s prototype chain: the app\'s own properties, then Express\'s methods, then Node\'s', () => {
    expect(app.request).toBe(classes.IncomingMessage.prototype);
    expect(app.response).toBe(classes.ServerResponse.prototype);
    expect(Object.getPrototypeOf(app.request)).toBe(Object.getPrototypeOf(appRequestBefore));
    expect(Object.getPrototypeOf(app.response)).toBe(Object.getPrototypeOf(appResponseBefore));
    expect(app.request.app).toBe(app);
    expect(app.response.app).toBe(app);
    expect(Object.create(classes.IncomingMessage.prototype)).toBeInstanceOf(http.IncomingMessage);
  });

  it('answers through Express\'s request and response methods', async () => {
    const response = await fetch(`${url}/echo`, { headers: { 'x-echo': 'hello', 'x-forwarded-for': '203.0.113.9' } });
    expect(response.status).toBe(201);
    expect(response.headers.get('set-cookie')).toMatch(/^seen=1/);
    expect(await response.json()).toEqual({ header: 'hello', ip: '203.0.113.9', sameApp: true });
  });
});
