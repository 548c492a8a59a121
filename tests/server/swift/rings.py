#!/usr/bin/python3
"""Build Swift's three rings for a one-device, one-replica gateway, in one process.

    rings.py SWIFT_DIR DEVICE ACCOUNT_PORT CONTAINER_PORT OBJECT_PORT

Writes SWIFT_DIR/{account,container,object}.ring.gz for device DEVICE on 127.0.0.1 (what
`swift-ring-builder X.builder create 6 1 0; add ...; rebalance` does, without starting
Python nine times: that took 17 s of a 25 s start on a busy 2-core machine).
"""
import os
import sys

from swift.common.ring import RingBuilder


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    swift_dir, device = sys.argv[1], sys.argv[2]
    for name, port in zip(('account', 'container', 'object'), sys.argv[3:]):
        builder = RingBuilder(6, 1, 0)  # 64 partitions, 1 replica, no min_part_hours
        builder.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
                         'device': device, 'weight': 1.0, 'meta': ''})
        builder.rebalance()
        builder.get_ring().save(os.path.join(swift_dir, name + '.ring.gz'))


if __name__ == '__main__':
    main()
