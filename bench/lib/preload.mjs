// Import a contender's modules (and compile s3mpu's wasm) before the clock starts.
export async function preload(name) {
  if (name.startsWith('s3mpu')) {
    const { S3Client } = await import('../../js/src/index.node.js');
    // Compiles and caches the default module; this client is thrown away.
    const c = await S3Client.create({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    c.destroy();
  } else if (name === 'lib-storage') {
    await import('@aws-sdk/client-s3');
    await import('@aws-sdk/lib-storage');
  } else if (name.startsWith('minio')) {
    await import('minio');
  } else if (name.startsWith('aws4fetch')) {
    await import('aws4fetch');
    if (name === 'aws4fetch-pool') await import('undici');
  } else if (name === 'floor-undici') {
    await import('undici');
  }
}
