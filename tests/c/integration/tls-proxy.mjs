// A TLS front for the plain-http test gateway, so the C example is tested over https:
//
//   node tls-proxy.mjs CERT KEY TARGET_PORT
//
// listens on a free 127.0.0.1 port, prints it, and pipes each TLS connection to
// 127.0.0.1:TARGET_PORT unchanged (the Host header the client signed reaches the gateway
// as sent). Stops when its stdin closes, so it never outlives the test that started it.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [cert, key, target] = process.argv.slice(2);
const server = tls.createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (client) => {
  const upstream = net.connect(Number(target), '127.0.0.1');
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', end);
  upstream.on('error', end);
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
