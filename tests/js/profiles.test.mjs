// Store profiles (js/src/profiles.js): selection by host, overrides, part sizes within a
// store's limits, and README's "Stores" table checked against them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES, profileNameFor, resolveProfile, partSizeFor } from '../../js/src/profiles.js';
import { storesTable, readmeTable } from '../../scripts/stores-table.mjs';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('store profiles', () => {
  it('are chosen from the endpoint host, else generic', () => {
    assert.equal(profileNameFor('https://s3.cn-north-1.jdcloud-oss.com'), 'jdcloud');
    assert.equal(profileNameFor('https://bucket.s3.cn-east-2.jcloudcs.com'), 'jdcloud');
    assert.equal(profileNameFor('https://s3.eu-west-1.amazonaws.com'), 'aws');
    assert.equal(profileNameFor('https://s3.cn-north-1.amazonaws.com.cn'), 'aws');
    assert.equal(profileNameFor('https://acc.r2.cloudflarestorage.com'), 'r2');
    assert.equal(profileNameFor('http://127.0.0.1:7480'), 'generic');
    assert.equal(profileNameFor('https://notamazonaws.com'), 'generic', 'a suffix only after a dot');
    assert.equal(profileNameFor('not a url'), 'generic');
  });

  it('resolve from a name, an object over a base, or the endpoint', () => {
    assert.equal(resolveProfile(undefined, 'https://s3.amazonaws.com').name, 'aws');
    const swift = resolveProfile('swift', 'https://s3.amazonaws.com');
    assert.equal(swift.name, 'swift');
    assert.equal(swift.maxParts, 1000);
    const mine = resolveProfile({ base: 'jdcloud', maxParts: 500, probedAt: 'x' }, 'http://127.0.0.1');
    assert.equal(mine.name, 'jdcloud');
    assert.equal(mine.maxParts, 500);
    assert.equal(mine.completeChecksums, false);
    assert.equal('probedAt' in mine, false, 'fields that are not profile facts are dropped');
    assert.equal(resolveProfile({ name: 'mine' }, 'https://x.r2.cloudflarestorage.com').equalParts, true);
    assert.throws(() => resolveProfile('nope'), { code: 'InvalidProfile', message: /unknown profile 'nope'/ });
    assert.throws(() => resolveProfile({ maxParts: 20_000 }), /maxParts/);
    assert.throws(() => resolveProfile({ checksums: 'maybe' }), /checksums/);
    assert.throws(() => resolveProfile(7), { name: 'S3InputError' });
  });

  it("the part size keeps an upload within the store's part count and minimum", () => {
    const swift = PROFILES.swift;
    // 10 GiB in the core's 8 MiB parts would be 1,280 parts: Swift takes 1,000.
    const size = 10 * GiB;
    assert.equal(partSizeFor(swift, size, 8 * MiB), 11 * MiB);
    assert.ok(Math.ceil(size / (11 * MiB)) <= 1000);
    assert.equal(partSizeFor(swift, 100 * MiB, 8 * MiB), 8 * MiB, 'small bodies keep the planned size');
    assert.equal(partSizeFor(PROFILES.aws, size, 8 * MiB), 8 * MiB, '10,000 parts: the core planned it');
    assert.equal(partSizeFor({ ...PROFILES.generic, minPartSize: 16 * MiB }, 10 * MiB, 8 * MiB), 16 * MiB);
    assert.equal(partSizeFor(swift, undefined, 8 * MiB), 8 * MiB, 'streams: checked while sending');
  });

  it('S3Client plans with its profile', async () => {
    const { S3Client } = await import('../../js/src/index.node.js');
    const { options } = await import('./harness/offline.mjs');
    const swift = await S3Client.create(options({ profile: 'swift' }));
    assert.deepEqual(swift.plan({ size: 10 * GiB }), { partSize: 11 * MiB, partCount: 931 });
    const aws = await S3Client.create(options({ endpoint: 'https://s3.us-east-1.amazonaws.com' }));
    assert.equal(aws.profile.name, 'aws');
    assert.deepEqual(aws.plan({ size: 10 * GiB }), { partSize: 8 * MiB, partCount: 1280 });
    await assert.rejects(S3Client.create(options({ profile: 'nope' })), { name: 'S3InputError', code: 'InvalidProfile' });
    swift.destroy();
    aws.destroy();
  });

  it('every profile has every field of a valid kind', () => {
    const fields = Object.keys(PROFILES.generic);
    for (const [name, p] of Object.entries(PROFILES)) {
      assert.deepEqual(Object.keys(p), fields, name);
      assert.doesNotThrow(() => resolveProfile({ base: name, ...p }), name);
    }
  });

  it('README.md\'s "Stores" table is the one made from the profiles', () => {
    const inReadme = readmeTable();
    assert.ok(inReadme, 'README.md lacks the stores-table markers');
    assert.equal(inReadme, storesTable(), 'README.md is out of date: run node scripts/stores-table.mjs --write');
  });
});
