#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, Swift's -sanitize=fuzzer) of the demand loader, the plan
# reader, the shard decoder (result.bin) and the run store's reader, from the committed corpora in
# Fuzz/corpus/ (demand, plan, shard, store). Builds into .build-fuzz/ (not .build/).
#   scripts/fuzz.sh [SECONDS per target, default 60]
# New interesting inputs go to a scratch corpus (not the committed one); a crash writes
# Fuzz/crashes/<target>/crash-* and exits non-zero. Prints executions and coverage per target.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
# target:corpus folder
targets=(demand-loader:demand plan-reader:plan shard-decoder:shard run-store-reader:store)
for entry in "${targets[@]}"; do
  swift build -c release --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING \
    --product "fuzz-${entry%%:*}" >/dev/null
done
status=0
for entry in "${targets[@]}"; do
  target="${entry%%:*}"
  corpus="Fuzz/corpus/${entry##*:}"
  scratch="$(mktemp -d)"
  crashes="Fuzz/crashes/$target"
  mkdir -p "$crashes"
  log="$(mktemp)"
  if ! ".build-fuzz/release/fuzz-$target" "$scratch" "$corpus" -max_total_time="$seconds" -max_len=4096 \
      -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes/" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz-$target: FOUND A CRASH (see $crashes/):"
    grep -E "ERROR|==|Illegal|Fatal|fault" "$log" | head -20
    status=1
  fi
  runs=$(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}')
  cov=$(grep -E "^#[0-9]+" "$log" | tail -1 | sed -E 's/.*cov: ([0-9]+).*ft: ([0-9]+).*/cov \1, features \2/')
  corpus_size=$(grep -E "^#[0-9]+" "$log" | tail -1 | sed -E 's/.*corp: ([0-9]+).*/\1/')
  echo "fuzz-$target: ${seconds}s, ${runs:-?} executions, ${cov:-coverage ?}, corpus ${corpus_size:-?} inputs"
  rm -rf "$scratch" "$log"
  rmdir "$crashes" 2>/dev/null || true
  rmdir Fuzz/crashes 2>/dev/null || true
done
exit $status
