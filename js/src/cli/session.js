// One command's connection: the client, a signal that ends on Ctrl-C,
// SIGTERM or --timeout, and what error messages name (endpoint, bucket).
import { S3Client } from '../index.node.js';
import { connection } from './connection.js';

/**
 * @param {object} values  parsed options (CONNECTION_OPTIONS)
 * @param {{ secrets: string[] }} ctx
 * @param {{ bucket?: string, key?: string }} target
 * @param {{ deadline?: boolean }} [options]  deadline false: the caller hands --timeout to
 *   the library itself (upload({ timeout })) instead of the session's timer
 */
export async function openSession(values, ctx, target = {}, { deadline = true } = {}) {
  const conn = connection(values);
  ctx.secrets.push(conn.options.credentials.secretAccessKey, conn.options.credentials.sessionToken);
  ctx.context = { ...target, endpoint: conn.options.endpoint, timeoutMs: conn.timeoutMs };
  const s3 = await S3Client.create(conn.options);
  const controller = new AbortController();
  const session = {
    s3,
    conn,
    signal: controller.signal,
    /** 'SIGINT' or 'SIGTERM' once one came. */
    interruptedBy: undefined,
    close() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      clearTimeout(timer);
      s3.destroy();
    },
  };
  const onSignal = (name) => {
    if (session.interruptedBy) process.exit(130); // a second Ctrl-C: now
    session.interruptedBy = name;
    controller.abort(new Error(`interrupted by ${name}`));
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  // AbortSignal.timeout's reason, by hand: AbortSignal.any needs Node 20.3.
  const timer = conn.timeoutMs === undefined || !deadline ? undefined : setTimeout(() => {
    controller.abort(new DOMException(`timed out after ${conn.timeoutMs} ms`, 'TimeoutError'));
  }, conn.timeoutMs);
  timer?.unref?.();
  return session;
}
