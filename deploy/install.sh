#!/bin/sh
# How the service is installed: the locked dependencies, each checked against its hash, then the
# built wheel alone. The Dockerfile runs this, and so does the test of the built service
# (tests/core/test_built_service.py), so what is tested is what the image holds.
#
#   deploy/install.sh PYTHON LOCK_FILE WHEEL
set -eu
if [ "$#" -ne 3 ]; then
  echo "usage: $0 PYTHON LOCK_FILE WHEEL" >&2
  exit 2
fi
python=$1
lock=$2
wheel=$3
# --require-hashes also refuses a dependency missing from the lock, so an incomplete lock fails
# here instead of pulling an unpinned release.
"$python" -m pip install --require-hashes --requirement "$lock"
# Everything the wheel needs came from the lock: nothing more may be resolved.
"$python" -m pip install --no-deps "$wheel"
