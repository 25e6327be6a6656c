#!/usr/bin/env bash
# Fuzzes the whole analyzer with arbitrary bytes for a bounded time (default 60 s), seeded with
# the rule fixtures. Needs cargo-fuzz (`cargo install cargo-fuzz`); stable rustc works with
# RUSTC_BOOTSTRAP=1 and no sanitizer. A crash is saved under fuzz/artifacts/analyze/: add it
# as a regression case to tests/robustness.rs.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-60}"
mkdir -p corpus/analyze
RUSTC_BOOTSTRAP=1 cargo fuzz run analyze -s none corpus/analyze ../fixtures -- \
  -max_total_time="$seconds" -rss_limit_mb=4096
