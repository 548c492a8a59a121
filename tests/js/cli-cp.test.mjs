// The s3mpu command line against the test store, the commands a newcomer
// reaches for after a single upload: `cp -r` of a directory (filters, one
// failure among many, --fail-fast), `gc` of stale uploads, object URLs from
// `presign` used with plain curl, a file changed mid-upload, --timeout with
// --on-failure keep|abort, --quiet, localhost without a region, the AWS_*
// credential variables, and NoSuchBucket naming the bucket.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile, appendFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import net from 'node:net';
import { runCli, childEnv, slowProxy, openCliStore, closeCliStore } from './harness/cli.mjs';

const MiB = 1024 * 1024;
const HAVE_STORE = Boolean(process.env.S3MPU_TEST_ENDPOINT);
const exists = (path) => access(path).then(() => true, () => false);
const run = promisify(execFile);

describe('s3mpu cp -r, gc, presign, failures', { skip: !HAVE_STORE && 'S3MPU_TEST_ENDPOINT is not set (run scripts/test-js.sh)' }, () => {
  let store;
  let bucket;
  let env;
  let dir;
  let verify;
  const prefix = `cli-cp-${process.pid}-${Date.now().toString(36)}/`;
  const cli = (args, opts = {}) => runCli([...args, '--path-style'], { env, ...opts });

  before(async () => {
    ({ store, bucket, env, dir, verify } = await openCliStore('s3mpu-cli-cp-'));
  });

  after(() => closeCliStore({ dir, bucket, verify, prefix }));

  test('cp -r: every file under the directory to the prefix, filters, checkpoints left out', async () => {
    const tree = join(dir, 'tree');
    await mkdir(join(tree, 'sub', 'deep'), { recursive: true });
    const files = {
      'a.txt': Buffer.from('alpha\n'),
      'sub/b.bin': randomBytes(6 * MiB + 5),
      'sub/deep/c.txt': Buffer.from('gamma\n'),
      'sub/skip.log': Buffer.from('not uploaded\n'),
    };
    for (const [rel, bytes] of Object.entries(files)) await writeFile(join(tree, rel), bytes);
    await writeFile(join(tree, 'old.bin.s3mpu-state.json'), '{}');
    const r = await cli(['cp', '-r', tree, `s3://${bucket}/${prefix}tree`, '--exclude', '*.log', '--part-size', '5MiB']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    assert.deepEqual(lines.map(([, key]) => key), ['a.txt', 'sub/b.bin', 'sub/deep/c.txt'].map((k) => `${prefix}tree/${k}`));
    for (const [etag, key] of lines) {
      const rel = key.slice(`${prefix}tree/`.length);
      const parts = rel === 'sub/b.bin' ? [5 * MiB, MiB + 5] : undefined;
      const v = await verify.verifyObject({ bucket, key, expectBytes: files[rel], expectParts: parts });
      assert.equal(etag, `"${v.etag}"`);
    }
    assert.match(r.stderr, /uploaded 3 files, 6\.0 MiB, to s3:\/\//);
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const listed = await verify.verifierClient().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}tree/` }));
    assert.deepEqual(listed.Contents.map((o) => o.Key), lines.map(([, key]) => key), 'no .log, no checkpoint file');
  });

  test('cp -r: one file failing does not stop the others (exit 1, listed); --fail-fast stops', async () => {
    const tree = join(dir, 'failing');
    // A key over 1024 bytes: refused for that file only.
    const long = `0${'x'.repeat(199)}/`.repeat(6);
    await mkdir(join(tree, long), { recursive: true });
    await writeFile(join(tree, long, 'too-long.txt'), 'x');
    await writeFile(join(tree, 'ok1.txt'), 'one');
    await writeFile(join(tree, 'ok2.txt'), 'two');
    let r = await cli(['cp', '-r', tree, `s3://${bucket}/${prefix}failing/`, '--jobs', '1']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /uploaded 2 of 3 files to .*; 1 failed:/);
    assert.match(r.stderr, /too-long\.txt: .*key/i);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split('\t')[1]), [`${prefix}failing/ok1.txt`, `${prefix}failing/ok2.txt`]);
    await verify.verifyObject({ bucket, key: `${prefix}failing/ok2.txt`, expectBytes: Buffer.from('two') });

    r = await cli(['cp', '-r', tree, `s3://${bucket}/${prefix}failfast/`, '--jobs', '1', '--fail-fast']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /uploaded 0 of 3 files .*1 failed, 2 not started/);
    assert.equal(r.stdout, '');
  });

  test('gc: a dry run by default, --abort aborts; only uploads older than --older-than', async () => {
    const key = `${prefix}gc/pending.bin`;
    const p = await cli(['presign', `s3://${bucket}/${key}`, '--multipart', 'create', '--json']);
    assert.equal(p.code, 0, p.stderr);
    const { method, url, headers } = JSON.parse(p.stdout);
    const created = await fetch(url, { method, headers });
    assert.equal(created.status, 200, await created.text());
    const target = `s3://${bucket}/${prefix}gc/`;

    let r = await cli(['gc', target, '--older-than', '1h']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no unfinished uploads under .* older than 1h/);

    // "Older than 0" is every upload that started before now. Swift lists an upload once its
    // container update lands and rounds its Initiated up to the second: wait until the store
    // itself says the upload started in the past.
    for (let i = 0; i < 100; i++) {
      const listed = await verify.listUploads(bucket, key);
      if (listed.length === 1 && new Date(listed[0].initiated).getTime() < Date.now()) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    r = await cli(['gc', target, '--older-than', '0']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${key}\\t\\S+\\t`));
    assert.match(r.stderr, /1 unfinished uploads .*a dry run: add --abort/);
    assert.equal((await verify.listUploads(bucket, key)).length, 1, 'the dry run aborted nothing');

    r = await cli(['gc', target, '--older-than', '0s', '--abort']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\taborted\n$/);
    assert.match(r.stderr, /aborted 1 of 1/);
    assert.deepEqual(await verify.listUploads(bucket, key), []);
  });

  test('presign --method put: a URL plain curl -T uploads with; --method get downloads it', async () => {
    const key = `${prefix}curl/hello.txt`;
    const path = join(dir, 'curl-upload.txt');
    await writeFile(path, 'uploaded by curl -T\n');
    let r = await cli(['presign', `s3://${bucket}/${key}`, '--method', 'put', '--expires', '5m']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'nothing else to send');
    await run('curl', ['-sSf', '-T', path, r.stdout.trim()]);
    await verify.verifyObject({ bucket, key, expectBytes: path });

    r = await cli(['presign', `s3://${bucket}/${key}`]);
    assert.equal(r.code, 0, r.stderr);
    const { stdout } = await run('curl', ['-sSf', r.stdout.trim()]);
    assert.equal(stdout, 'uploaded by curl -T\n');

    // With a content type: signed, so curl must send it.
    r = await cli(['presign', `s3://${bucket}/${key}`, '--method', 'put', '--content-type', 'text/x-curl']);
    assert.match(r.stderr, /must also send: content-type: text\/x-curl/);
    await run('curl', ['-sSf', '-T', path, '-H', 'content-type: text/x-curl', r.stdout.trim()]);
    await verify.verifyObject({ bucket, key, expectBytes: path, expectHeaders: { contentType: 'text/x-curl' } });
  });

  test('a file changed mid-upload: exit 1, the upload aborted and its checkpoint removed', async () => {
    const path = join(dir, 'changing.bin');
    await writeFile(path, randomBytes(24 * MiB));
    const key = `${prefix}changing.bin`;
    const state = `${path}.s3mpu-state.json`;
    const proxy = await slowProxy(store.endpoint);
    proxy.delayMs = 300;
    try {
      let changed = false;
      const r = await cli(['cp', path, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', '--endpoint', proxy.endpoint], {
        onSpawn: (child) => {
          const poll = setInterval(async () => {
            const parts = await readFile(state, 'utf8').then((t) => JSON.parse(t).parts?.length ?? 0, () => 0);
            if (parts >= 1 && !changed) {
              changed = true;
              clearInterval(poll);
              await appendFile(path, 'more');
            }
          }, 20);
          child.on('close', () => clearInterval(poll));
        },
      });
      assert.ok(changed, r.stderr);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /changed during the upload/);
      assert.doesNotMatch(r.stderr, /refused before sending/);
      assert.match(r.stderr, /was aborted on the server; run the command again/);
      assert.equal(await exists(state), false);
      assert.deepEqual(await verify.listUploads(bucket, key), []);
    } finally {
      await proxy.close();
    }
    const again = await cli(['cp', path, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--quiet']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stderr, '', '--quiet: nothing on stderr');
    await verify.verifyObject({ bucket, key, expectBytes: path, expectParts: [5 * MiB, 5 * MiB, 5 * MiB, 5 * MiB, 4 * MiB + 4] });
  });

  test('--timeout: kept with the commands to resume and abort; a changed file\'s upload aborted; --on-failure abort', async () => {
    const path = join(dir, 'slow.bin');
    await writeFile(path, randomBytes(11 * MiB));
    const key = `${prefix}slow.bin`;
    const state = `${path}.s3mpu-state.json`;
    const proxy = await slowProxy(store.endpoint);
    proxy.delayMs = 5000;
    try {
      const args = ['cp', path, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--endpoint', proxy.endpoint, '--timeout', '1s'];
      let r = await cli(args);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /timed out after 1 s \(--timeout\)/);
      const [pending] = await verify.listUploads(bucket, key);
      assert.ok(pending, 'kept on the server');
      assert.match(r.stderr, new RegExp(`upload ${pending.uploadId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} of .* is kept`));
      assert.match(r.stderr, /resume: s3mpu cp .*--timeout 1s/);
      assert.match(r.stderr, new RegExp(`abort: +s3mpu abort s3://${bucket}/${key} \\S+ && rm `));
      assert.equal(await exists(state), true);

      // The file changes before the next run: the kept upload is of no use, so it is aborted.
      await appendFile(path, 'changed');
      r = await cli([...args, '--on-failure', 'abort']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`the file is now ${11 * MiB + 7} bytes, it was ${11 * MiB}; aborted its upload`));
      assert.match(r.stderr, /was aborted on the server/);
      assert.equal(await exists(state), false);
      assert.deepEqual(await verify.listUploads(bucket, key), [], 'neither run left an upload');
    } finally {
      await proxy.close();
    }
  });

  test('--idle-timeout: a request without progress is abandoned and tried again (within --timeout)', async () => {
    const path = join(dir, 'idle.bin');
    await writeFile(path, randomBytes(6 * MiB));
    const key = `${prefix}idle.bin`;
    const proxy = await slowProxy(store.endpoint);
    proxy.delayMs = 30_000; // a part's answer never comes in time
    try {
      // Without --idle-timeout the first try would wait the default minute: one part PUT.
      const r = await cli(['cp', path, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1',
        '--endpoint', proxy.endpoint, '--idle-timeout', '300ms', '--timeout', '4s', '--on-failure', 'abort']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /timed out after 4 s \(--timeout\)/);
      assert.ok(proxy.partPuts >= 2, `part 1 was sent ${proxy.partPuts} times`);
      assert.deepEqual(await verify.listUploads(bucket, key), []);
    } finally {
      await proxy.close();
    }
  });

  test('examples/node-upload.mjs uploads a file; without its settings it says which, no stack trace', async () => {
    const example = new URL('../../examples/node-upload.mjs', import.meta.url).pathname;
    const path = join(dir, 'example.bin');
    await writeFile(path, randomBytes(MiB + 3));
    const key = `${prefix}example.bin`;
    const exampleEnv = { ...env, S3MPU_ENDPOINT: store.endpoint };
    const ok = await run(process.execPath, [example, path, bucket, key], { env: exampleEnv });
    assert.match(ok.stdout, /uploaded s3:\/\/.*: 1048579 bytes/);
    await verify.verifyObject({ bucket, key, expectBytes: path });
    for (const [unset, message] of [['S3MPU_SECRET_ACCESS_KEY', /set S3MPU_SECRET_ACCESS_KEY/], ['S3MPU_REGION', /set S3MPU_REGION/]]) {
      const bad = { ...exampleEnv, S3MPU_ENDPOINT: 'http://example.invalid:9', [unset]: '' };
      const r = await run(process.execPath, [example, path, bucket, key], { env: bad }).then(() => ({ code: 0 }), (e) => e);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    }
  });

  test('examples/browser/server.mjs: missing settings, a bad region or a busy port are one line each, no stack trace', async () => {
    const example = new URL('../../examples/browser/server.mjs', import.meta.url).pathname;
    const busy = net.createServer();
    await new Promise((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const settings = {
      ...env, S3MPU_ENDPOINT: store.endpoint, S3MPU_REGION: store.region, S3MPU_BUCKET: bucket,
      S3MPU_ACCESS_KEY_ID: store.accessKeyId, S3MPU_SECRET_ACCESS_KEY: store.secretAccessKey,
    };
    try {
      for (const [change, message] of [
        [{ S3MPU_BUCKET: '' }, /set S3MPU_BUCKET/],
        [{ PORT: String(busy.address().port) }, new RegExp(`port ${busy.address().port} is in use: set PORT`)],
        [{ S3MPU_ENDPOINT: 'http://example.invalid:9', S3MPU_REGION: '' }, /cannot start the demo: .*region/i],
      ]) {
        const r = await run(process.execPath, [example], { env: { ...settings, ...change } }).then(() => ({ code: 0 }), (e) => e);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
      }
    } finally {
      busy.close();
    }
  });

  test('http://localhost without a region; AWS_* credentials; NoSuchBucket names the bucket', async () => {
    const port = new URL(store.endpoint).port;
    const awsEnv = childEnv({ AWS_ACCESS_KEY_ID: store.accessKeyId, AWS_SECRET_ACCESS_KEY: store.secretAccessKey });
    const key = `${prefix}localhost.txt`;
    let r = await runCli(['cp', '-', `s3://${bucket}/${key}`, '--endpoint', `http://localhost:${port}`], { env: awsEnv, input: 'via localhost\n' });
    assert.equal(r.code, 0, r.stderr);
    await verify.verifyObject({ bucket, key, expectBytes: Buffer.from('via localhost\n') });

    r = await runCli(['cp', '-', 's3://no-such-bucket-s3mpu/k', '--endpoint', `http://localhost:${port}`], { env: awsEnv, input: 'x' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /NoSuchBucket/);
    assert.match(r.stderr, /the bucket "no-such-bucket-s3mpu" does not exist at http:\/\/localhost:\d+/);
  });
});
