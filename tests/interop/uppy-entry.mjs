// The page side of the Uppy interop tests: the published @uppy/core + @uppy/aws-s3 with no UI,
// bundled for Chromium by esbuild (page.mjs). window.uppyUpload(file, companionEndpoint,
// options) uploads one File as a page using Uppy would (options go to @uppy/aws-s3, e.g.
// shouldUseMultipart), and resolves to what Uppy reports.
import Uppy from '@uppy/core';
import AwsS3 from '@uppy/aws-s3';

window.uppyUpload = async (file, companionEndpoint, options = {}) => {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, { companionEndpoint, ...options });
  const progress = [];
  uppy.on('upload-progress', (_f, p) => progress.push(p.bytesUploaded));
  const parts = [];
  uppy.on('s3-multipart:part-uploaded', (_f, part) => parts.push(part.PartNumber));
  uppy.addFile({ name: file.name, type: file.type || 'application/octet-stream', data: file, source: 'test' });
  const result = await uppy.upload();
  const ok = result.successful ?? [];
  const failed = result.failed ?? [];
  uppy.destroy();
  return {
    successful: ok.map((f) => ({ name: f.name, key: f.response?.body?.key, location: f.response?.body?.location })),
    failed: failed.map((f) => ({ name: f.name, error: String(f.error) })),
    parts,
    lastProgress: progress.at(-1),
  };
};
window.uppyReady = true;
