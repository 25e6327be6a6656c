#!/usr/bin/env bash
# The GitHub Action's run step (action.yml): writes a SARIF report, prints GitHub annotations,
# and decides the step's outcome. Inputs come as environment variables:
#   ASYNC_LINT       the binary (default: cargo-async-lint on PATH)
#   INPUT_ARGS       extra arguments (for example `--workspace`)
#   INPUT_SARIF_FILE where to write the SARIF report
#   INPUT_FAIL_ON    `error` (deny-level findings fail), `warning` (any finding fails), `never`
set -uo pipefail

bin="${ASYNC_LINT:-cargo-async-lint}"
sarif="${INPUT_SARIF_FILE:-async-lint.sarif}"
fail_on="${INPUT_FAIL_ON:-error}"
read -r -a args <<< "${INPUT_ARGS:-}"

case "$fail_on" in
  error|warning|never) ;;
  *) echo "::error title=async-lint::fail-on must be error, warning or never, not '$fail_on'"; exit 2 ;;
esac

"$bin" "${args[@]}" --format sarif --quiet > "$sarif"
code=$?
if [ "$code" -eq 2 ]; then
  echo "::error title=async-lint::async-lint could not run (exit code 2); see the log above"
  exit 2
fi
"$bin" "${args[@]}" --format github --quiet
findings=$("$bin" "${args[@]}" --format json --quiet | grep -c '^{' || true)

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
  echo "findings=$findings" >> "$GITHUB_OUTPUT"
fi
echo "async-lint: $findings findings; SARIF report in $sarif"

case "$fail_on" in
  never) exit 0 ;;
  warning) [ "$findings" -eq 0 ] || exit 1 ;;
  error) exit "$code" ;;
esac
