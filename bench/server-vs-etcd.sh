#!/usr/bin/env bash
# Runs issue 6's server workloads against a fresh FastKv and a fresh etcd in one sitting, alternating
# between them workload by workload, with the same load generator (fastkv-benchmark) for both, and
# prints throughput, p50/p99, server CPU per request and the generator's own CPU per request side by
# side, plus the disk's fdatasync p50. The generator talks gRPC over its own lean HTTP/2 client
# (--transport h2, a few us of CPU per call) so that on a small box it measures the servers, not
# itself; TRANSPORT=httpclient runs the old SocketsHttpHandler client for comparison.
#
# After the two servers, the same put workloads run against fastkv-floor (bench/FastKv.FloorServer):
# bare Kestrel and FastKv.Grpc answering with nothing behind them, and with one fdatasync per call,
# so the sitting also shows how much of each number the transport alone costs (FLOOR=0 skips it).
#
# Usage: bench/server-vs-etcd.sh            (TOTAL=10000 SMALL_TOTAL=2000 WARMUP_TOTAL=20000 by default)
#        TOTAL=20000 bench/server-vs-etcd.sh
#        TRANSPORT=httpclient bench/server-vs-etcd.sh
# Needs: etcd (3.4) on PATH or ETCD=..., fio (optional; otherwise fastkvutl disk bench), python3.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TOTAL="${TOTAL:-10000}"             # requests per 100x1000 workload
SMALL_TOTAL="${SMALL_TOTAL:-2000}"  # requests of the 1x1 put
ETCD="${ETCD:-etcd}"
ETCDCTL="${ETCDCTL:-etcdctl}"
TRANSPORT="${TRANSPORT:-h2}"        # the generator's client: h2 (lean) or httpclient
WORK="$(mktemp -d /tmp/server-vs-etcd.XXXXXX)"
LOGS="$WORK/logs"
mkdir -p "$LOGS"

FASTKV_DLL="$ROOT/src/FastKv.Server/bin/Release/net10.0/fastkv.dll"
BENCH_DLL="$ROOT/bench/FastKv.LoadGen/bin/Release/net10.0/fastkv-benchmark.dll"
FLOOR_DLL="$ROOT/bench/FastKv.FloorServer/bin/Release/net10.0/fastkv-floor.dll"
if [[ "${NO_BUILD:-}" != 1 ]]; then
  dotnet build "$ROOT/src/FastKv.Server" -c Release -nologo -v q >"$LOGS/build-server.log"
  dotnet build "$ROOT/bench/FastKv.LoadGen" -c Release -nologo -v q >"$LOGS/build-loadgen.log"
  dotnet build "$ROOT/bench/FastKv.FloorServer" -c Release -nologo -v q >"$LOGS/build-floor.log"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK/etcd-data" "$WORK/fastkv-data" "$WORK/fio"
}
trap cleanup EXIT

start_member() { # name command... ; prints the client URL
  local name="$1"; shift
  local client peer
  client="$(free_port)"; peer="$(free_port)"
  "$@" --name default --data-dir "$WORK/$name-data" \
    --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "default=http://127.0.0.1:$peer" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$WORK/$name.pid"
  echo "127.0.0.1:$client" >"$WORK/$name.endpoint"
}

wait_ready() { # endpoint
  for _ in $(seq 1 60); do
    if "$ETCDCTL" --endpoints "$1" --command-timeout=2s put benchkey "$(printf '%0256d' 0)" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "server at $1 did not become ready; see $LOGS" >&2
  exit 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_member etcd "$ETCD"
start_member fastkv dotnet "$FASTKV_DLL"
wait_ready "$(cat "$WORK/etcd.endpoint")"
wait_ready "$(cat "$WORK/fastkv.endpoint")"

# The disk's fdatasync latency: etcd's recommended fio job (2300-byte writes, fdatasync after each).
if command -v fio >/dev/null; then
  mkdir -p "$WORK/fio"
  fio --rw=write --ioengine=sync --fdatasync=1 --directory="$WORK/fio" --size=8m --bs=2300 --name=fdatasync \
    --output-format=json >"$LOGS/fio.json"
  FSYNC_P50_MS="$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["jobs"][0]["sync"]["lat_ns"]["percentile"]; print("%.3f" % (s["50.000000"]/1e6))' "$LOGS/fio.json")"
else
  dotnet run -c Release --project "$ROOT/tools/fastkvutl" -- disk bench --directory "$WORK" --size 8m --quiet >"$LOGS/disk-bench.txt"
  # "  fdatasync: p50 <n> µs, p90 ..."
  FSYNC_P50_MS="$(awk '$1 == "fdatasync:" && $2 == "p50" {printf "%.3f", $3 / 1000; exit}' "$LOGS/disk-bench.txt")"
fi

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
RESULTS="$WORK/results.tsv"
: >"$RESULTS"

run() { # label server args...
  local label="$1" server="$2"; shift 2
  local pid endpoint out before after
  pid="$(cat "$WORK/$server.pid")"; endpoint="$(cat "$WORK/$server.endpoint")"
  out="$LOGS/$label.$server.txt"
  before="$(cpu_ticks "$pid")"
  if [[ "$server" == fastkv ]]; then
    (sleep 2; top -H -b -n 2 -d 2 -p "$pid" | awk '/^top -/ {frame++} frame == 2' | head -30) >"$LOGS/$label.fastkv.top.txt" 2>&1 &
  fi
  dotnet "$BENCH_DLL" --endpoints "$endpoint" --transport "$TRANSPORT" "$@" >"$out" 2>"$LOGS/$label.$server.stderr" || true
  after="$(cpu_ticks "$pid")"
  awk -v label="$label" -v server="$server" -v cpu="$((after - before))" -v hz="$(getconf CLK_TCK)" '
    /Requests\/sec:/ {rps=$2}
    /Generator CPU:/ {gen=substr($5, 2)}
    /^ *50% in/ {if (!median) p50=$3*1000}
    /Median:/ {median=1; p50=$2/1000}
    /^ *99% in/ {p99=$3*1000}
    /^ *\[[0-9]+\]/ {errors+=substr($1, 2, length($1)-2)}
    /Requests\/sec:/ {done=1}
    END {if (!done) errors=-1; printf "%s\t%s\t%.0f\t%.3f\t%.2f\t%d\t%.2f\t%.1f\n", label, server, rps, p50, p99, errors, cpu/hz, gen}
  ' "$out" >>"$RESULTS"
  tail -n 1 "$RESULTS" >&2
}

# Each workload runs on etcd and then on FastKv before the next one starts, so both see the same
# background load as nearly as one sitting allows.
both() { # label args...
  local label="$1"; shift
  run "$label" etcd "$@"
  run "$label" fastkv "$@"
}

PUT_ARGS=(put --key-size 8 --val-size 256 --sequential-keys --key-space-size 100000)

# Warm-up, not recorded: FastKv's JIT compiles its hot paths during the first thousands of
# requests (the ".NET Tiered Compilation" thread), which would otherwise be charged to the first
# workload; etcd is compiled ahead of time. WARMUP=0 skips it. Each workload's shape at full
# concurrency, WARMUP_TOTAL requests (default 20,000): with 3,000 requests at 10 x 100 the tiered
# JIT was still compiling through the measured runs (a short put run cost FastKv 73-87 us of CPU
# per request against 34-40 in steady state).
WARM="${WARMUP_TOTAL:-20000}"
warm() { # name args...: one unrecorded run against that server
  local name="$1"; shift
  dotnet "$BENCH_DLL" --endpoints "$(cat "$WORK/$name.endpoint")" --transport "$TRANSPORT" "$@" >>"$LOGS/warmup.$name.txt" 2>&1 || true
}
warm_puts() { # name
  warm "$1" --conns 100 --clients 1000 --total "$WARM" "${PUT_ARGS[@]}"
  warm "$1" --conns 1 --clients 1 --total 500 put --key-size 8 --val-size 256
}
if [[ "${WARMUP:-1}" != 0 ]]; then
  for server in etcd fastkv; do
    warm_puts "$server"
    warm "$server" --conns 100 --clients 1000 --total "$WARM" range benchkey --consistency l
    warm "$server" --conns 100 --clients 1000 --total "$WARM" range benchkey --consistency s
    warm "$server" --conns 100 --clients 1000 --total "$WARM" txn-put --key-size 8 --val-size 256 --key-space-size 100000
    warm "$server" --conns 10 --clients 10 watch --streams 10 --watch-per-stream 10 --put-total 300 --key-size 8 --val-size 256
  done
fi
both "put-1x1" --conns 1 --clients 1 --total "$SMALL_TOTAL" "${PUT_ARGS[@]}"
both "put-100x1000" --conns 100 --clients 1000 --total "$TOTAL" "${PUT_ARGS[@]}"
both "range-l-100x1000" --conns 100 --clients 1000 --total "$TOTAL" range benchkey --consistency l
both "range-s-100x1000" --conns 100 --clients 1000 --total "$TOTAL" range benchkey --consistency s
both "txn-put-100x1000" --conns 100 --clients 1000 --total "$TOTAL" txn-put --key-size 8 --val-size 256 --key-space-size 100000
# Watch: 100 watchers (10 streams x 10) on one key, 500 puts by 10 clients; the row shows events
# delivered per second and the put-to-event latency.
both "watch-100x500" --conns 10 --clients 10 watch --streams 10 --watch-per-stream 10 --put-total 500 --key-size 8 --val-size 256

# The floors: one fastkv-floor at a time, warmed like the servers, then the two put workloads (the
# 1x1 one also with an fdatasync per call; at 100x1000 a serialized fdatasync would only measure the
# disk, where the member groups a whole batch into one).
floor() { # name args...
  local name="$1"; shift
  local port
  port="$(free_port)"
  dotnet "$FLOOR_DLL" --listen "127.0.0.1:$port" "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
  echo "$!" >"$WORK/$name.pid"
  echo "127.0.0.1:$port" >"$WORK/$name.endpoint"
  for _ in $(seq 1 50); do grep -q serving "$LOGS/$name.log" && break; sleep 0.2; done
  warm_puts "$name"
}
stop_floor() { kill "$(cat "$WORK/$1.pid")" 2>/dev/null || true; wait "$(cat "$WORK/$1.pid")" 2>/dev/null || true; }
if [[ "${FLOOR:-1}" != 0 ]]; then
  for layer in kestrel grpc; do
    floor "floor-$layer" --layer "$layer"
    run "put-1x1" "floor-$layer" --conns 1 --clients 1 --total "$SMALL_TOTAL" "${PUT_ARGS[@]}"
    run "put-100x1000" "floor-$layer" --conns 100 --clients 1000 --total "$TOTAL" "${PUT_ARGS[@]}"
    stop_floor "floor-$layer"
    floor "floor-$layer-sync" --layer "$layer" --fdatasync "$WORK/floor-data"
    run "put-1x1" "floor-$layer-sync" --conns 1 --clients 1 --total "$SMALL_TOTAL" "${PUT_ARGS[@]}"
    stop_floor "floor-$layer-sync"
  done
fi

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$RESULTS" "$FSYNC_P50_MS" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)" "$TOTAL" "$SMALL_TOTAL" "$TRANSPORT" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    label, server, rps, p50, p99, errors, cpu, gen = line.rstrip("\n").split("\t")
    rows.setdefault(label, {})[server] = dict(rps=float(rps), p50=float(p50), p99=float(p99), errors=int(errors), cpu=float(cpu), gen=float(gen))
fsync, before, after, cores, total, small, transport = sys.argv[2:]
reference = {"watch-100x500": 0, "put-1x1": 2824, "put-100x1000": 30404, "range-l-100x1000": 8773, "range-s-100x1000": 9469, "txn-put-100x1000": 6167}
print(f"\nfdatasync p50 (fio, 2300 B writes): {fsync} ms; cores: {cores}; load average before {before}, after {after}")
print(f"requests: {total} per 100x1000 workload, {small} for put 1x1; generator transport: {transport}\n")
print("| workload | etcd req/s | FastKv req/s | FastKv/etcd | etcd p50 / p99 ms | FastKv p50 / p99 ms | server CPU us/req etcd / FastKv | generator CPU us/req (etcd run / FastKv run) | errors e/f | issue's etcd req/s |")
print("|---|---:|---:|---:|---|---|---|---|---|---:|")
counts = {"put-1x1": int(small), "watch-100x500": 100 * 500}
def per(r, label):
    return r["cpu"] * 1e6 / counts.get(label, int(total))
for label, by in rows.items():
    e, f = by.get("etcd"), by.get("fastkv")
    if not e or not f:
        continue
    if e["errors"] < 0 or f["errors"] < 0:
        failed = " and ".join(n for n, r in (("etcd", e), ("FastKv", f)) if r["errors"] < 0)
        print(f"| {label} | run failed for {failed}: see the logs | | | | | | | | |")
        continue
    ratio = f["rps"] / e["rps"] if e["rps"] else float("nan")
    print(f"| {label} | {e['rps']:,.0f} | {f['rps']:,.0f} | {ratio:.2f}x | {e['p50']:.3f} / {e['p99']:.2f} | {f['p50']:.3f} / {f['p99']:.2f} "
          f"| {per(e, label):.0f} / {per(f, label):.0f} | {e['gen']:.1f} / {f['gen']:.1f} | {e['errors']}/{f['errors']} | {reference.get(label, 0):,} |")
f = rows.get("put-1x1", {}).get("fastkv")
if f:
    print(f"\nFastKv put 1x1 p50 {f['p50']:.3f} ms = {f['p50'] / float(fsync):.2f}x the fdatasync p50 (target <= 1.5x)")
floors = [("floor-kestrel", "bare Kestrel, empty answer"), ("floor-kestrel-sync", "bare Kestrel + fdatasync per call"),
          ("floor-grpc", "FastKv.Grpc, empty Put"), ("floor-grpc-sync", "FastKv.Grpc + fdatasync per Put"), ("fastkv", "FastKv member")]
if any(n in rows.get("put-1x1", {}) for n, _ in floors[:-1]):
    print("\nThe floor: the same put workloads against fastkv-floor (nothing behind the transport), same generator:\n")
    print("| server | put 1x1 req/s | 1x1 p50 ms | 1x1 p50 / fdatasync p50 | 1x1 server CPU us/req | put 100x1000 req/s | 100x1000 server CPU us/req | 100x1000 / issue's etcd |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, text in floors:
        one, many = rows.get("put-1x1", {}).get(name), rows.get("put-100x1000", {}).get(name)
        if not one:
            continue
        tail = f"{many['rps']:,.0f} | {per(many, 'put-100x1000'):.0f} | {many['rps'] / reference['put-100x1000']:.2f}x" if many else "- | - | -"
        print(f"| {text} | {one['rps']:,.0f} | {one['p50']:.3f} | {one['p50'] / float(fsync):.2f}x | {per(one, 'put-1x1'):.0f} | {tail} |")
PY
echo "raw outputs: $LOGS" >&2
trap - EXIT
cleanup
