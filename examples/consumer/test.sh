#!/usr/bin/env bash
# examples/consumer/test.sh: builds and tests this workspace -- a project
# that uses flowcheck through local_repository -- the way its own CI would.
#
# It is a separate Bazel workspace: its own output base and Bazel server
# (stopped after 60 idle seconds), so the first run compiles the parts of
# flowcheck it uses (about 2-3 minutes on 2 cores; later runs are cached).
# --experimental_repository_disable_download makes any attempt to download
# a repository an error, so a pass also proves the workspace is offline.
#
#   examples/consumer/test.sh [extra bazel test flags]
set -euo pipefail
cd "$(dirname "$0")"
# --symlink_prefix=/: no bazel-* links here, inside flowcheck's own tree
# (they would loop through @flowcheck, which is ../..).
exec bazel --max_idle_secs=60 test \
  --symlink_prefix=/ \
  --experimental_repository_disable_download \
  "$@" //...
