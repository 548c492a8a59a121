// A fault-injecting HTTP proxy for soaks: sits between an S3 client and a real gateway on
// 127.0.0.1 (a free port) and, for a seeded random share of requests, misbehaves the way
// networks and stores do. Every request is logged with the fault it got, so a failing run
// can be read back (the order of concurrent requests varies, so a seed fixes the draws,
// not which request gets each).
//
//   const proxy = await faultProxy({ target: 'http://127.0.0.1:8123', rate: 0.5, seed: 7 });
//   ... point the client at proxy.endpoint ...
//   proxy.log, proxy.stats, await proxy.close()
//
// Faults (drawn uniformly among those that apply):
//   reset     the connection is closed before the request reaches the gateway
//   error500  500 InternalError, not forwarded
//   slowdown  503 SlowDown, not forwarded
//   delay     forwarded after 50-1500 ms
//   truncate  forwarded; the answer is cut halfway through its body (the gateway acted)
//   drop      forwarded; the answer is lost (connection closed: the gateway acted)
//   error200  Complete only: 200 with an <Error> body, forwarded first or not (even odds)
import http from 'node:http';
import { opOf } from './server.mjs';

export const FAULTS = ['reset', 'error500', 'slowdown', 'delay', 'truncate', 'drop', 'error200'];

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const errorBody = (code) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the fault proxy</Message><RequestId>proxy</RequestId></Error>`;

/**
 * @param {{ target: string, rate?: number, seed?: number, faults?: string[], onLog?: (line: string) => void }} options
 */
export async function faultProxy({ target, rate = 0.5, seed = 1, faults = FAULTS, onLog }) {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const random = seeded(seed);
  const log = [];
  const stats = { requests: 0, faults: Object.fromEntries(faults.map((f) => [f, 0])) };
  const sockets = new Set();
  let seq = 0;

  const server = http.createServer(async (req, res) => {
    const n = ++seq;
    stats.requests++;
    const op = opOf(req.method, new URL(req.url, 'http://h'));
    const applicable = faults.filter((f) => f !== 'error200' || op === 'complete');
    const fault = random() < rate && applicable.length ? applicable[Math.floor(random() * applicable.length)] : 'none';
    const delayMs = 50 + Math.floor(random() * 1450);
    const forwardFirst = random() < 0.5;
    if (fault !== 'none') stats.faults[fault]++;
    const note = (what) => {
      const line = `${n} ${op} ${req.method} ${req.url.slice(0, 120)} ${fault} ${what}`;
      log.push(line);
      onLog?.(line);
    };
    let body;
    try {
      body = await readAll(req);
    } catch {
      return note('client went away');
    }
    try {
      if (fault === 'reset') {
        note('reset');
        return req.socket.destroy();
      }
      if (fault === 'error500' || fault === 'slowdown') {
        const status = fault === 'error500' ? 500 : 503;
        note(String(status));
        return send(res, status, errorBody(fault === 'error500' ? 'InternalError' : 'SlowDown'));
      }
      if (fault === 'error200' && !forwardFirst) {
        note('200+Error, not forwarded');
        return send(res, 200, errorBody('InternalError'));
      }
      if (fault === 'delay') await new Promise((r) => setTimeout(r, delayMs));
      const answer = await forward(upstream, agent, req, body);
      if (fault === 'drop') {
        note(`dropped ${answer.status}`);
        return req.socket.destroy();
      }
      if (fault === 'error200') {
        note(`forwarded (${answer.status}), answered 200+Error`);
        return send(res, 200, errorBody('InternalError'));
      }
      if (fault === 'truncate' && answer.body.length > 1) {
        note(`truncated ${answer.status} at ${answer.body.length >> 1}/${answer.body.length}`);
        res.writeHead(answer.status, answer.headers);
        res.write(answer.body.subarray(0, answer.body.length >> 1));
        return setTimeout(() => req.socket.destroy(), 5);
      }
      note(String(answer.status));
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch (e) {
      note(`proxy error ${e.message}`);
      req.socket.destroy();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 10_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    stats,
    seed,
    rate,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      agent.destroy();
      server.close(() => resolve());
    }),
  };
}

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
    stream.on('aborted', () => reject(new Error('aborted')));
  });
}

/** Send the request to the gateway as it came (raw path, same headers: the signature covers Host). */
function forward(upstream, agent, req, body) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers.connection;
    const up = http.request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent,
    }, (res) => {
      readAll(res).then((b) => {
        const h = { ...res.headers };
        delete h.connection;
        delete h['keep-alive'];
        delete h['transfer-encoding'];
        if (req.method !== 'HEAD') h['content-length'] = String(b.length);
        resolve({ status: res.statusCode, headers: h, body: b });
      }, reject);
    });
    up.on('error', reject);
    up.end(body);
  });
}

function send(res, status, xml) {
  const b = Buffer.from(xml);
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': b.length });
  res.end(b);
}
