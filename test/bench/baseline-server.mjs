// The "minimal ideal" /users/me the benchmark compares authbook against: Express 5, jsonwebtoken
// verify with a KeyObject, one prepared primary-key lookup, nothing else. Run as a child process:
//   node baseline-server.mjs <database file> <base64 secret> [request-classes]   -> prints "listening <port>"
// With request-classes it also gets authbook's one change below Express (src/http/request-classes.ts:
// req and res built with the app's prototypes), so the bench can show what is left besides that.
import { createSecretKey } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const express = require('express');
const jwt = require('jsonwebtoken');
const Database = require('better-sqlite3');

const [file, secretText, withClasses] = process.argv.slice(2);
const key = createSecretKey(Buffer.from(secretText, 'utf8'));
const db = new Database(file, { readonly: true });
const byId = db.prepare('SELECT id, username, email, role_id, created_at FROM users WHERE id = ?');

const app = express();
app.disable('x-powered-by');
app.get('/users/me', (req, res) => {
  try {
    const token = (req.headers.authorization ?? '').slice(7);
    const claims = jwt.verify(token, key, { algorithms: ['HS256'] });
    const user = byId.get(Number(claims.sub));
    if (!user) return res.status(401).json({ error: 'invalid_token' });
    res.json({ user });
  } catch {
    res.status(401).json({ error: 'invalid_token' });
  }
});
const classes = withClasses === 'request-classes' ? require('../../dist/http/request-classes.js').requestClassesFor(app) : {};
const server = http.createServer(classes, app).listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
