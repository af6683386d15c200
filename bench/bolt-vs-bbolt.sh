#!/usr/bin/env bash
# Runs `fastkvutl db bench` and the reference bbolt (bench/bbolt-ref) on the same workloads,
# alternating FastKv and bbolt for ROUNDS rounds (default 3) on this machine, and prints each
# side's median rate and the median of the per-round ratios. Alternating pairs and medians keep
# a noisy shared host from deciding the result.
# Needs: apt-get install -y golang-go golang-github-coreos-bbolt-dev
# Usage: [ROUNDS=3] [SYNC_ROUNDS=9] [WITH_SYNCED_BATCHES=1] [ONLY_SINGLE_KEY_SYNC=0] [SYNC_COMMITS=20000] bench/bolt-vs-bbolt.sh [count]
#        (default 1000000 keys; 8-byte keys, 256-byte values)
#        ONLY_SINGLE_KEY_SYNC=1 runs just the one-key-per-commit fdatasync workload (SYNC_COMMITS commits).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build tools/fastkvutl -c Release -v q -nologo >/dev/null
# bbolt-ref imports the library as "reference/bbolt": link that path to Debian's source.
mkdir -p "$work/gopath/src/reference"
ln -s "$(dirname "$(dpkg -L golang-github-coreos-bbolt-dev | grep '/db.go$')")" "$work/gopath/src/reference/bbolt"
GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/gocache" \
  go build -o "$work/bbolt-ref" bench/bbolt-ref/main.go
fastkv=(dotnet tools/fastkvutl/bin/Release/net10.0/fastkvutl.dll db bench)

rate() { grep "# $1" | sed -E 's/.*\(([0-9]+) op\/sec\).*/\1/'; }

rounds=${ROUNDS:-3}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run() {
  local label=$1; shift
  local outputs=()
  for ((r = 0; r < rounds; r++)); do
    # Who goes first alternates, so neither always runs on the disk state the other left behind.
    local f b
    if ((r % 2 == 0)); then f=$("${fastkv[@]}" "$@"); b=$("$work/bbolt-ref" "$@")
    else b=$("$work/bbolt-ref" "$@"); f=$("${fastkv[@]}" "$@"); fi
    outputs+=("$f" "$b")
  done
  for phase in Write "Get (rnd)" Scan; do
    local fr=() br=() ratios=()
    for ((r = 0; r < rounds; r++)); do
      local f b
      f=$(rate "$phase" <<<"${outputs[2 * r]}"); b=$(rate "$phase" <<<"${outputs[2 * r + 1]}")
      fr+=("$f"); br+=("$b"); ratios+=("$(awk -v a="$f" -v b="$b" 'BEGIN { printf "%.3f", a / b }')")
    done
    printf '%-40s %-10s fastkv %12.0f   bbolt %12.0f   ratio %5.2f   (rounds: %s)\n' "$label" "$phase" \
      "$(printf '%s\n' "${fr[@]}" | median)" "$(printf '%s\n' "${br[@]}" | median)" \
      "$(printf '%s\n' "${ratios[@]}" | median)" "${ratios[*]}"
  done
}

common=(--key-size 8 --value-size 256 --read-seconds 2)
sync_commits=${SYNC_COMMITS:-20000}
# Single-key synced commits swing most with the disk: more, shorter rounds (the reads of 20,000 keys
# need no 2 s) give a steadier median.
single_key_sync() {
  local saved=$rounds
  rounds=${SYNC_ROUNDS:-9}
  run "rnd, 1/tx, fdatasync, $sync_commits keys" --count "$sync_commits" --batch-size 1 --write-mode rnd \
    --key-size 8 --value-size 256 --read-seconds 0.5
  rounds=$saved
}
if [ "${ONLY_SINGLE_KEY_SYNC:-0}" = 1 ]; then
  single_key_sync
  exit 0
fi
# The issue's reference configurations: batched loads without fdatasync, single-key commits with it.
run "seq, 1000/tx, no-sync, $count keys" --count "$count" --batch-size 1000 --write-mode seq --no-sync "${common[@]}"
run "rnd, 1000/tx, no-sync, $count keys" --count "$count" --batch-size 1000 --write-mode rnd --no-sync "${common[@]}"
single_key_sync
# Batched loads with fdatasync per commit: here the disk's writeback of ~4 MB per commit dominates.
if [ "${WITH_SYNCED_BATCHES:-1}" = 1 ]; then
  run "seq, 1000/tx, fdatasync, $count keys" --count "$count" --batch-size 1000 --write-mode seq "${common[@]}"
  run "rnd, 1000/tx, fdatasync, $count keys" --count "$count" --batch-size 1000 --write-mode rnd "${common[@]}"
fi
