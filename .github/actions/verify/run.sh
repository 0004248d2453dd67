#!/usr/bin/env bash
# The verify action's step: install the kit (unless LOOKUPKIT_SKIP_INSTALL=1), run verify with the
# inputs, keep its exit code. The signing key travels in GLADLY_SIGNING_KEY only, never argv.
set -euo pipefail
: "${INPUT_URL:?the url input is required}"
if [ "${LOOKUPKIT_SKIP_INSTALL:-0}" != 1 ]; then
  python3 -m pip install --quiet "gladly-lookup-kit${INPUT_VERSION:+==$INPUT_VERSION}"
fi
reports="${INPUT_REPORTS:-lookupkit-reports}"
mkdir -p "$reports"
args=("$INPUT_URL" --profile "${INPUT_PROFILE:-agent}" --fail-on "${INPUT_FAIL_ON:-incomplete}"
      --report "json:$reports/verify.json" --report "junit:$reports/verify.xml"
      --report "html:$reports/verify.html")
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"; line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] && args+=(--known "$line")
done <<< "${INPUT_KNOWN:-}"
if [ "${INPUT_NO_SUBMIT:-false}" = true ]; then args+=(--no-submit); fi
[ -n "${GLADLY_SIGNING_KEY:-}" ] || unset GLADLY_SIGNING_KEY
set +e
lookupkit verify "${args[@]}"
code=$?
set -e
echo "reports in $reports/ (verify.json, verify.xml, verify.html)"
exit "$code"
