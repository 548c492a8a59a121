#!/usr/bin/env node
// s3mpu: multipart uploads to S3-compatible stores from the command line.
// `s3mpu --help` lists the commands; the code is in src/cli/.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
