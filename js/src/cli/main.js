// The s3mpu command line. main(argv) resolves to the exit status:
// 0 done, 1 failed, 2 bad usage or input, 130 interrupted.
import { readFile } from 'node:fs/promises';
import { cp, CP_HELP } from './cp.js';
import { abort, listUploads, gc, ABORT_HELP, LIST_HELP, GC_HELP } from './uploads.js';
import { presign, PRESIGN_HELP } from './presign.js';
import { sign, SIGN_HELP } from './sign.js';
import { probe, PROBE_HELP } from './probe.js';
import { describe, redact, EXIT } from './report.js';
import { UsageError } from './args.js';

const HELP = `usage: s3mpu COMMAND [options]

  cp FILE|- s3://BUCKET/KEY        upload a file or stdin in parts, resumable
  cp -r DIR s3://BUCKET[/PREFIX]   upload the files under DIR (upload: the same)
  gc s3://BUCKET[/PREFIX]          list (--abort: abort) unfinished uploads older
                                   than --older-than AGE (default 24h)
  list-uploads s3://BUCKET[/PREFIX]
                                   unfinished multipart uploads (key, upload id, started)
  abort s3://BUCKET/KEY UPLOAD_ID  abort an unfinished multipart upload
  presign s3://BUCKET/KEY          a presigned URL: --method get (download), put
                                   (curl -T), head; --multipart OP for parts
  sign                             sign a request given as JSON on stdin, showing every
                                   step (to debug SignatureDoesNotMatch)
  probe s3://BUCKET                find out what the store accepts (a short run that
                                   leaves nothing); --json: a profile for --profile

Connection: --endpoint URL (or S3MPU_ENDPOINT), --region R (or S3MPU_REGION; default:
from AWS and JD Cloud host names, else us-east-1), --path-style; or a config file
(~/.config/s3mpu/config.json: { "endpoint", "region", "pathStyle" }). Credentials from
S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY, S3MPU_SESSION_TOKEN (or AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).

s3mpu COMMAND --help for a command's options. Exit status: 0 done, 1 failed,
2 bad usage, 130 interrupted.`;

const COMMANDS = {
  cp: { run: cp, help: CP_HELP },
  upload: { run: cp, help: CP_HELP },
  gc: { run: gc, help: GC_HELP },
  'list-uploads': { run: listUploads, help: LIST_HELP },
  abort: { run: abort, help: ABORT_HELP },
  presign: { run: presign, help: PRESIGN_HELP },
  sign: { run: sign, help: SIGN_HELP },
  probe: { run: probe, help: PROBE_HELP },
};

export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }) {
  const secrets = [];
  const say = (text) => io.stderr.write(`${redact(text, secrets)}\n`);
  const ctx = { io, say, secrets, argv, context: undefined };
  try {
    const [command, ...rest] = argv;
    if (Object.hasOwn(COMMANDS, command)) return await COMMANDS[command].run(rest, ctx);
    switch (command) {
      case '-h': case '--help': case 'help':
        io.stdout.write(`${HELP}\n`);
        return EXIT.ok;
      case '--version': case '-V': {
        const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
        io.stdout.write(`s3mpu ${pkg.version}\n`);
        return EXIT.ok;
      }
      case undefined:
        io.stderr.write(`${HELP}\n`);
        return EXIT.usage;
      default:
        throw new UsageError(`unknown command "${command}" (${Object.keys(COMMANDS).join(', ')}; s3mpu --help)`);
    }
  } catch (e) {
    const { lines, code, usage } = describe(e, ctx.context);
    for (const line of lines) say(line);
    if (usage) say(`${COMMANDS[usage].help.split('\n\n')[0]}\n(s3mpu ${usage} --help lists the options)`);
    return code;
  }
}
