#!/usr/bin/env bash
# Certifies socat as a relay the way a user would, from outside, and
# checks what hostile relays produce:
#  - socat with its default -t 0.5 tears the connection down half a second
#    after one side's close: C3 and C4 FAIL (docs/drivers.md, relays);
#  - socat -t 30 holds a half-close long enough: every clause PASSes;
#  - a relay that never listens, or exits at once, is a CRASH line naming
#    it, with its exit status; and no relay process outlives the run.
set -uo pipefail
flowcheck=$1
out=${TEST_UNDECLARED_OUTPUTS_DIR:-$(mktemp -d)}
if ! command -v socat >/dev/null 2>&1; then
  echo "FAIL: socat is not installed; scripts/setup.sh installs it"
  exit 1
fi
failures=0
fail() { echo "FAIL: $1"; failures=$((failures + 1)); }

relay='TCP-LISTEN:{listen},bind=127.0.0.1,reuseaddr TCP:127.0.0.1:{upstream}'

# The default watchdog (10 s) holds half-closes for 2.5 s: longer than
# socat's 0.5 s.
"$flowcheck" certify --relay="socat $relay" --programs=40 \
  --quiet >"$out/socat-default.txt" 2>&1
status=$?
if [ "$status" -ne 1 ] || ! grep -qE "^C3 +FAIL" "$out/socat-default.txt" ||
   ! grep -qE "^C4 +FAIL" "$out/socat-default.txt"; then
  fail "socat with its default -t 0.5 should FAIL C3 and C4 (exit $status):"
  cat "$out/socat-default.txt"
else
  echo "ok   socat (default): $(grep -E '^RESULT' "$out/socat-default.txt")"
fi

"$flowcheck" certify --relay="socat -t 30 $relay" --programs=40 \
  --quiet >"$out/socat-t30.txt" 2>&1
status=$?
if [ "$status" -ne 0 ]; then
  fail "socat -t 30 should pass (exit $status):"
  cat "$out/socat-t30.txt"
else
  echo "ok   socat -t 30: $(grep -E '^RESULT' "$out/socat-t30.txt")"
fi

# A failing case shows what the relay said.
text=$("$flowcheck" certify \
  --relay="sh -c 'echo relay-log-line >&2; exec socat $relay'" \
  --only=C3.half-close-request-response,C4.close-waits-for-peer --quiet 2>&1)
if ! grep -qF "the relay's stderr:" <<<"$text" ||
   ! grep -qE "^ +\| +relay-log-line" <<<"$text"; then
  fail "a failing case should quote the relay's stderr:"
  echo "$text"
else
  echo "ok   a failing case quotes the relay's stderr"
fi

marker=relay-marker-$$
check_crash() {  # check_crash NAME COMMAND EXPECTED
  local name=$1 command=$2 expected=$3 text status
  text=$("$flowcheck" certify --relay="$command" --only=R7.eof-sticky \
    --watchdog=2s --quiet 2>&1)
  status=$?
  if [ "$status" -ne 1 ] || ! grep -qF -- "$expected" <<<"$text"; then
    fail "$name: wanted exit 1 and '$expected', got exit $status:"
    echo "$text"
  else
    echo "ok   $name: $(grep -m1 -E '^CRASH' <<<"$text" | cut -c1-160)"
  fi
}
check_crash never-listens "sh -c 'sleep 300' $marker {listen} {upstream}" \
  "did not listen on 127.0.0.1:"
check_crash exits-at-once "sh -c 'exit 7' $marker {listen} {upstream}" \
  "exited with status 7 before it listened"
listener="import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1])))
s.listen()
connection = s.accept()
time.sleep(300)"
check_crash never-connects-onward \
  "python3 -c \"$listener\" {listen} {upstream} $marker" \
  "did not connect to the upstream port"

"$flowcheck" certify --relay="bad relay without placeholders" >/dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "a relay command without {listen} should be exit 2, got $status"

sleep 0.5
if pgrep -f "$marker" >/dev/null; then
  fail "relay processes outlived the run:"
  pgrep -af "$marker"
fi
[ "$failures" -eq 0 ]
