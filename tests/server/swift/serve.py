#!/usr/bin/python3
"""Run one Swift WSGI server (proxy, account, container or object) in the foreground.

    serve.py SERVER CONF          e.g. serve.py proxy-server DIR/etc/proxy-server.conf

Like /usr/bin/swift-<SERVER>, except that swift.conf (hash path prefix and storage
policies) is read from the directory holding CONF instead of /etc/swift, so a throwaway
gateway needs nothing outside its own directory. Logs go to stderr (verbose console).
"""
import os
import sys

from swift.common import utils


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    server, conf = sys.argv[1], os.path.abspath(sys.argv[2])
    utils.set_swift_dir(os.path.dirname(conf))  # our swift.conf, not /etc/swift's
    from swift.common import storage_policy
    storage_policy.reload_storage_policies()
    from swift.common.wsgi import run_wsgi
    return run_wsgi(conf, server, verbose=True)


if __name__ == '__main__':
    sys.exit(main())
