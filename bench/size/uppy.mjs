// Minimal upload program: @uppy/core + @uppy/aws-s3 signing through a Companion-style backend
// (bench/direct-bench.mjs; the packages come from tests/interop's pinned dev dependencies).
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

export async function upload(file, { endpoint }) {
  const uppy = new Uppy();
  uppy.use(AwsS3, { companionEndpoint: endpoint });
  uppy.on('upload-progress', (_f, p) => console.log(p.bytesUploaded));
  uppy.addFile({ name: file.name, type: file.type, data: file });
  return uppy.upload();
}
