// Temporary credentials from the gateway's STS (GetSessionToken), as a real backend of
// directUpload's credentials mode would get them. Signed here with node:crypto, apart from
// s3mpu's core (the core signs S3 only): RGW needs `rgw s3 auth use sts` and the user's IAM
// policy to allow sts:GetSessionToken (tests/server/start.sh gives the user the
// user-policy cap; sessionCredentials puts the policy).
import { createHash, createHmac } from 'node:crypto';

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const hmac = (k, s) => createHmac('sha256', k).update(s).digest();

/** POST an STS or IAM query action, SigV4-signed; resolves to { status, text }. */
async function call(server, service, params) {
  const body = new URLSearchParams(params).toString();
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  const day = amzDate.slice(0, 8);
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: new URL(server.endpoint).host, 'x-amz-date': amzDate };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...names.map((h) => `${h}:${headers[h]}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${day}/${server.region}/${service}/aws4_request`;
  let key = hmac(`AWS4${server.secretAccessKey}`, day);
  for (const part of [server.region, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).digest('hex');
  const { host, ...sent } = headers;
  const res = await fetch(`${server.endpoint}/`, {
    method: 'POST', body,
    headers: { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${server.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` },
  });
  return { status: res.status, text: await res.text() };
}

const field = (xml, name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/**
 * Session credentials for the test user ({ accessKeyId, secretAccessKey, sessionToken,
 * expiration }), or undefined with the store's answer when it has no STS.
 */
export async function sessionCredentials(server, durationSeconds = 900) {
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:GetSessionToken'], Resource: '*' }] });
  const put = await call(server, 'iam', {
    Action: 'PutUserPolicy', Version: '2010-05-08', UserName: server.user ?? 's3mpu-test', PolicyName: 's3mpu-session-tokens', PolicyDocument: policy,
  });
  if (put.status !== 200) return { missing: `PutUserPolicy: HTTP ${put.status} ${field(put.text, 'Code') ?? ''}` };
  const got = await call(server, 'sts', { Action: 'GetSessionToken', Version: '2011-06-15', DurationSeconds: String(durationSeconds) });
  if (got.status !== 200) return { missing: `GetSessionToken: HTTP ${got.status} ${field(got.text, 'Code') ?? ''}` };
  return {
    credentials: {
      accessKeyId: field(got.text, 'AccessKeyId'), secretAccessKey: field(got.text, 'SecretAccessKey'),
      sessionToken: field(got.text, 'SessionToken'), expiration: field(got.text, 'Expiration'),
    },
  };
}
