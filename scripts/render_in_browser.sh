#!/usr/bin/env bash
# scripts/render_in_browser.sh: renders an HTML page (a flowcheck HTML
# certificate or replay diagram) in headless Chromium, as a person would
# open it, and fails on anything a person would notice.
#
#   scripts/render_in_browser.sh PAGE.html SHOT.png [WIDTHxHEIGHT]
#
# Checks, each with its own message:
#  - Chromium opens the page and writes a non-empty screenshot to SHOT.png;
#  - the page parses as XML too (a copy opened as .xhtml, where Chromium
#    reports any markup error instead of guessing), so a broken tag cannot
#    hide behind HTML's error recovery;
#  - every <svg> of the page is in the browser's DOM;
#  - the page has no script, no <link>, <iframe> or import, and no
#    address it would load from (it must work offline, from a file);
#  - the browser's log has no console message, uncaught error or failed
#    resource load.
#
# Exit status: 0 all checks passed; 1 a check failed; 2 bad usage; 3
# Chromium is not installed (scripts/setup.sh --browser installs it).
set -uo pipefail

if [ $# -lt 2 ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
  [ "${1:-}" = "--help" ] && exit 0
  exit 2
fi
page=$1
shot=$2
size=${3:-1400x1800}
[ -f "$page" ] || { echo "render_in_browser: no such file: $page" >&2; exit 2; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render_in_browser: Chromium is not installed; 'scripts/setup.sh --browser' installs it" >&2
  exit 3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars
       --no-first-run --disable-extensions --user-data-dir="$work/profile"
       --enable-logging=stderr --v=0)
failed=0

rm -f "$shot"
timeout 120 "$browser" "${flags[@]}" --window-size="${size/x/,}" \
  --screenshot="$shot" "file://$abs" >"$work/shot.out" 2>"$work/shot.err"
status=$?
if [ "$status" -ne 0 ] || [ ! -s "$shot" ]; then
  echo "render_in_browser: Chromium did not render $page (exit $status):" >&2
  tail -20 "$work/shot.err" >&2
  exit 1
fi
echo "render_in_browser: rendered $page to $shot ($(stat -c %s "$shot") bytes)"

cp "$page" "$work/page.xhtml"
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/page.xhtml" \
  >"$work/dom.xml" 2>"$work/dom.err"
if grep -q "parsererror" "$work/dom.xml"; then
  echo "render_in_browser: $page is not well-formed; Chromium's XML parser says:" >&2
  tr '\n' ' ' <"$work/dom.xml" | grep -o '<parsererror.*</parsererror>' |
    sed 's/<[^>]*>/ /g; s/  */ /g' | cut -c1-400 >&2
  failed=1
fi
want=$(grep -o '<svg' "$page" | wc -l)
got=$(grep -o '<svg' "$work/dom.xml" | wc -l)
if [ "$got" -ne "$want" ]; then
  echo "render_in_browser: the page has $want <svg> diagrams, the browser's DOM $got" >&2
  failed=1
fi
if grep -nE '<script|<link |<iframe|(src|href)="(https?:)?//|url\((https?:)?//|@import' \
     "$page" >"$work/remote"; then
  echo "render_in_browser: $page would load from elsewhere or run a script:" >&2
  head -5 "$work/remote" | cut -c1-200 >&2
  failed=1
fi
if grep -hE 'CONSOLE|Uncaught|Failed to load resource|net::ERR_' \
     "$work/shot.err" "$work/dom.err" >"$work/console"; then
  echo "render_in_browser: the browser logged errors for $page:" >&2
  head -20 "$work/console" >&2
  failed=1
fi
[ "$failed" -eq 0 ] && echo "render_in_browser: $want diagrams, well-formed, no console errors"
exit "$failed"
