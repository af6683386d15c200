#!/usr/bin/env bash
# Runs `fastkvutl db bench` and the reference bbolt (bench/bbolt-ref) on the same workloads, one
# after the other on this machine, and prints each rate with the FastKv/bbolt ratio.
# Needs: apt-get install -y golang-go golang-github-coreos-bbolt-dev
# Usage: bench/bolt-vs-bbolt.sh [count]     (default 1000000 keys; 8-byte keys, 256-byte values)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build tools/fastkvutl -c Release -v q -nologo >/dev/null
GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/gocache" \
  go build -o "$work/bbolt-ref" bench/bbolt-ref/main.go
fastkv=(dotnet tools/fastkvutl/bin/Release/net10.0/fastkvutl.dll db bench)

rate() { grep "# $1" | sed -E 's/.*\(([0-9]+) op\/sec\).*/\1/'; }

run() {
  local label=$1; shift
  local f b
  f=$("${fastkv[@]}" "$@")
  b=$("$work/bbolt-ref" "$@")
  for phase in Write "Get (rnd)" Scan; do
    local fr br
    fr=$(rate "$phase" <<<"$f"); br=$(rate "$phase" <<<"$b")
    printf '%-34s %-10s fastkv %12s   bbolt %12s   ratio %5s\n' "$label" "$phase" "$fr" "$br" \
      "$(awk -v a="$fr" -v b="$br" 'BEGIN { printf "%.2f", a / b }')"
  done
}

common=(--key-size 8 --value-size 256 --read-seconds 2)
# The issue's reference configurations: batched loads without fdatasync, single-key commits with it.
run "seq, 1000/tx, no-sync, $count keys" --count "$count" --batch-size 1000 --write-mode seq --no-sync "${common[@]}"
run "rnd, 1000/tx, no-sync, $count keys" --count "$count" --batch-size 1000 --write-mode rnd --no-sync "${common[@]}"
run "rnd, 1/tx, fdatasync, 20000 keys" --count 20000 --batch-size 1 --write-mode rnd "${common[@]}"
# Batched loads with fdatasync per commit: here the disk's writeback of ~4 MB per commit dominates.
if [ "${WITH_SYNCED_BATCHES:-1}" = 1 ]; then
  run "seq, 1000/tx, fdatasync, $count keys" --count "$count" --batch-size 1000 --write-mode seq "${common[@]}"
  run "rnd, 1000/tx, fdatasync, $count keys" --count "$count" --batch-size 1000 --write-mode rnd "${common[@]}"
fi
