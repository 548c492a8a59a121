"""boto3's side of the soak (tests/hostile/soak.mjs): upload one file to each key through
the fault proxy with boto3's managed transfer, as a user would, and print one JSON line per
key: {"key", "ok", "error"?, "ms"}.

    soak_boto3.py ENDPOINT BUCKET FILE PART_SIZE PARALLEL KEY...
"""
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config


def main():
    endpoint, bucket, path, part, parallel, *keys = sys.argv[1:]
    part = int(part)
    try:  # botocore >= 1.36 adds checksums RGW 16 refuses unless told not to
        config = Config(s3={"addressing_style": "path"},
                        request_checksum_calculation="when_required",
                        response_checksum_validation="when_required")
    except TypeError:  # Debian bookworm's botocore 1.29 has neither setting (nor the checksums)
        config = Config(s3={"addressing_style": "path"})
    s3 = boto3.client("s3", endpoint_url=endpoint, config=config)
    transfer = TransferConfig(multipart_threshold=part, multipart_chunksize=part, max_concurrency=4)

    def one(key):
        t0 = time.monotonic()
        try:
            s3.upload_file(path, bucket, key, Config=transfer)
            return {"key": key, "ok": True, "ms": (time.monotonic() - t0) * 1000}
        except Exception as e:  # every failure is an outcome of the soak
            return {"key": key, "ok": False, "error": f"{type(e).__name__}: {e}"[:300],
                    "ms": (time.monotonic() - t0) * 1000}

    with ThreadPoolExecutor(int(parallel)) as pool:
        for outcome in pool.map(one, keys):
            print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    main()
