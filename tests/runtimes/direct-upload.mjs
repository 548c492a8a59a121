// directUpload with nothing but 's3mpu/direct' imported, in a script run by Node, Deno or Bun
// (where a backend or a tool, not a page, sends a file through a signing handler). Prints the
// result as JSON.
//
//   node|bun direct-upload.mjs ENDPOINT FILE FILENAME PART_SIZE
//   deno run --no-lock --allow-net --allow-read direct-upload.mjs ...
import { readFile } from 'node:fs/promises';
import { directUpload } from 's3mpu/direct';

const [endpoint, file, filename, partSize] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const result = await directUpload(new Blob([await readFile(file)]), {
  endpoint, filename, partSize: Number(partSize), store: false,
});
console.log(JSON.stringify(result));
