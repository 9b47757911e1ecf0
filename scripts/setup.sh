#!/usr/bin/env bash
# scripts/setup.sh: installs the Debian packages flowcheck builds with, when
# any is missing. Idempotent; prints nothing when everything is present.
#
#   scripts/setup.sh            install what is missing (needs root or sudo)
#   scripts/setup.sh --check    only say what is missing; exit 1 if anything is
#   scripts/setup.sh --browser  also Chromium, for rendering HTML certificates
#                               in a real browser (scripts/render_in_browser.sh;
#                               .ci/run asks for it); combines with --check
#
# Exit status: 0 when every package is installed, 1 otherwise.
set -euo pipefail

packages=(
  bazel-bootstrap      # Bazel 4.2, WORKSPACE mode (offline stand-ins in third_party/)
  g++                  # default compiler
  libgtest-dev         # GoogleTest
  librapidcheck-dev    # RapidCheck property tests
  libbenchmark-dev     # Google Benchmark (bench/)
  libasio-dev          # standalone Asio (flows/)
  nlohmann-json3-dev   # JSON reports
  clang                # clang-14: the clang and fuzz configs
  clang-format         # the formatting check in .ci/run
  libfuzzer-14-dev     # libFuzzer (fuzz/)
  python3              # examples/drivers/python_asyncio.py and the hostile
                       # drivers of conformance/driver_test
  nodejs               # examples/drivers/node_net.js
  socat                # examples/relays (flowcheck certify --relay)
  libssl-dev           # OpenSSL 3: the TLS example (examples/tls/)
)

# Only with --browser (large; the default tests do not need it).
browser_packages=(
  chromium             # headless rendering of HTML certificates
)

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

check_only=false
for argument in "$@"; do
  case "$argument" in
    --check) check_only=true ;;
    --browser) packages+=("${browser_packages[@]}") ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup.sh: unknown argument '$argument' (try --help)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = "installed" ] || missing+=("$package")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if $check_only; then
  echo "setup.sh: missing Debian packages: ${missing[*]}" >&2
  exit 1
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "setup.sh: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup.sh: installing them needs root; run as root or install sudo:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "setup.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >&2
"${as_root[@]}" apt-get install -y -qq "${missing[@]}" >&2
