// The published @uppy/companion standalone server, on 127.0.0.1 and a free port (its own
// bin listens on every interface and a fixed port). Run by companion.mjs as a child process:
// it prints "PORT <n>" once listening and exits when its stdin closes (the parent died or
// is done). Configuration: the COMPANION_* environment variables, as Companion documents them.
import standalone from '@uppy/companion/standalone';
import * as companion from '@uppy/companion';

const { app } = standalone();
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});
companion.socket(server);
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
