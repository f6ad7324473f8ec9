#!/usr/bin/env bash
# Load benchmark of the comptoir GraphQL API. One command, from anywhere:
#
#   bash benches/load/run.sh
#
# Builds the server in release, starts it on a fresh database loaded with a
# real catalog, drives the main queries and mutations with wrk, and prints
# requests per second and p50/p99 latency for each. See README.md beside
# this file for the settings (BENCH_* environment variables) and how to read
# the output. All traffic goes to 127.0.0.1.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"

DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
PRODUCTS=${BENCH_PRODUCTS:-}
PURCHASES=${BENCH_PURCHASES:-200}
SEARCH_WORD=${BENCH_SEARCH:-}
DB_URL=${BENCH_DATABASE_URL:-}
SAMPLES_DIR=${BENCH_SAMPLES_DIR:-$ROOT/../shared/data/shopify}
[[ -d "$SAMPLES_DIR" ]] && SAMPLES_DIR=$(cd "$SAMPLES_DIR" && pwd)

say() { printf '\n== %s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# wrk's duration syntax (10, 10s, 2m, 1h) in whole seconds.
duration_seconds() {
  local d=$1
  case "$d" in
    *h) echo $(( ${d%h} * 3600 )) ;;
    *m) echo $(( ${d%m} * 60 )) ;;
    *s) echo "${d%s}" ;;
    *) echo "$d" ;;
  esac
}
DURATION_S=$(duration_seconds "$DURATION")
[[ "$DURATION_S" =~ ^[0-9]+$ && "$DURATION_S" -gt 0 ]] || die "BENCH_DURATION=$DURATION is not a duration like 10s or 1m"
[[ "$CONNECTIONS" =~ ^[0-9]+$ && "$CONNECTIONS" -ge "$THREADS" ]] || die "BENCH_CONNECTIONS must be a number >= BENCH_THREADS ($THREADS)"
if [[ -n "$PRODUCTS" ]]; then
  [[ "$PRODUCTS" =~ ^[0-9]+$ && "$PRODUCTS" -gt 0 ]] || die "BENCH_PRODUCTS=$PRODUCTS is not a positive number"
fi

# --------------------------------------------------------------------------
# Tools

command -v python3 >/dev/null || die "python3 is needed (standard library only)"
command -v curl >/dev/null || die "curl is needed"
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian package)"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get install -y wrk || { $SUDO apt-get update && $SUDO apt-get install -y wrk; }
fi

say "building the server (cargo build --release)"
cargo build --release
BIN="$ROOT/target/release/comptoir"
# What was built (read now: the tree may change while the benchmark runs).
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi

# --------------------------------------------------------------------------
# Temp dir, database, and cleanup

TMP=$(mktemp -d -t comptoir-bench.XXXXXX)
SERVER_PID=""
DROP_PG_DB=""
PG_ADMIN_URL=""

cleanup() {
  local code=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -INT "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -n "$DROP_PG_DB" ]]; then
    psql "$PG_ADMIN_URL" -qAt -c "DROP DATABASE IF EXISTS \"$DROP_PG_DB\"" >/dev/null 2>&1 \
      || echo "bench: could not drop database $DROP_PG_DB" >&2
  fi
  rm -rf "$TMP"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z "$DB_URL" ]]; then
  DATABASE="sqlite://$TMP/bench.db?mode=rwc"
  DB_KIND="SQLite (fresh file in $TMP)"
else
  case "$DB_URL" in
    postgres://*|postgresql://*) ;;
    *) die "BENCH_DATABASE_URL must be a postgres:// URL (SQLite is the default)" ;;
  esac
  DATABASE="$DB_URL"
  DB_KIND="PostgreSQL ($DB_URL)"
  if command -v psql >/dev/null; then
    base=${DB_URL%%\?*}
    dbname=${base##*/}
    PG_ADMIN_URL="${base%/*}/postgres"
    [[ "$dbname" =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$dbname' must be letters, digits and _"
    exists=$(psql "$PG_ADMIN_URL" -qAt -c "SELECT 1 FROM pg_database WHERE datname = '$dbname'") \
      || die "cannot reach PostgreSQL at $PG_ADMIN_URL"
    if [[ -z "$exists" ]]; then
      psql "$PG_ADMIN_URL" -qAt -c "CREATE DATABASE \"$dbname\"" >/dev/null
      DROP_PG_DB=$dbname   # we created it, so we drop it at the end
      DB_KIND="$DB_KIND, created for this run and dropped after"
    else
      tables=$(psql "$DB_URL" -qAt -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
      [[ "$tables" == 0 ]] || die "database $dbname is not empty ($tables tables): give an empty or non-existent database"
      DB_KIND="$DB_KIND, existing empty database: it keeps the benchmark's data afterwards"
    fi
  else
    echo "bench: psql not found; assuming $DB_URL is an empty database" >&2
  fi
fi
export DATABASE_URL="$DATABASE"

# --------------------------------------------------------------------------
# Catalog

DEMO_FLAG=""
IMPORT_SECONDS=""
if [[ -n "$PRODUCTS" ]]; then
  CATALOG="synthetic: $PRODUCTS products x 2 variants + 1 image (1 product in 3 tracked, 1,000,000 units)"
  : "${SEARCH_WORD:=lamp}"
  say "generating a Shopify CSV with $PRODUCTS products"
  python3 "$HERE/bench.py" gen-csv "$TMP/gen.csv" "$PRODUCTS"
  IMPORT_FILES=("$TMP/gen.csv")
elif compgen -G "$SAMPLES_DIR/*.csv" >/dev/null; then
  CATALOG="merchants' sample files: $(cd "$SAMPLES_DIR" && echo *.csv)"
  : "${SEARCH_WORD:=bracelet}"
  IMPORT_FILES=("$SAMPLES_DIR"/*.csv)
else
  CATALOG="built-in demo catalog (comptoir serve --demo)"
  : "${SEARCH_WORD:=rose}"
  IMPORT_FILES=()
  DEMO_FLAG="--demo"
fi

IMPORT_LINE=""
if [[ ${#IMPORT_FILES[@]} -gt 0 ]]; then
  say "importing: comptoir import shopify ${IMPORT_FILES[*]}"
  t0=$(date +%s.%N)
  set +e
  "$BIN" import shopify "${IMPORT_FILES[@]}" 2>&1 | tee "$TMP/import.log"
  import_code=${PIPESTATUS[0]}
  set -e
  t1=$(date +%s.%N)
  IMPORT_SECONDS=$(python3 -c "print(f'{$t1 - $t0:.1f}')")
  IMPORT_LINE=$(grep -E '^products: ' "$TMP/import.log" | tail -1 || true)
  [[ -n "$IMPORT_LINE" ]] || die "the import failed (exit $import_code)"
  if [[ $import_code -ne 0 ]]; then
    echo "bench: the import reported problems (listed above); benchmarking what was imported"
  fi
  echo "import took ${IMPORT_SECONDS}s"
fi

# --------------------------------------------------------------------------
# Server

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "starting the server on 127.0.0.1:$PORT"
NO_COLOR=1 COMPTOIR_BIND="127.0.0.1:$PORT" "$BIN" serve $DEMO_FLAG >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 300); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    cat "$TMP/server.log" >&2
    die "the server exited before answering /health"
  fi
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health" || true) == 200 ]]; then
    break
  fi
  [[ $i -eq 300 ]] && die "GET /health did not answer 200 within 60s"
  sleep 0.2
done
echo "GET /health: 200 (server pid $SERVER_PID)"
if [[ -n "$DEMO_FLAG" ]]; then
  IMPORT_LINE=$(grep -o 'demo catalog loaded: .*' "$TMP/server.log" | sed 's/^demo catalog loaded: //' || true)
fi

# --------------------------------------------------------------------------
# Request bodies and warm-up checks

CARTS=$(( DURATION_S * 10 ))
(( CARTS < 50 )) && CARTS=50
say "preparing requests (search word \"$SEARCH_WORD\", $CARTS carts for cartLinesAdd)"
python3 "$HERE/bench.py" prepare "$PORT" "$TMP" "$SEARCH_WORD" "$CARTS"

# --------------------------------------------------------------------------
# Load

# CPU ticks the server has used so far.
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat" 2>/dev/null || echo 0; }

# Waits (at most 60 s) until the server has been idle for half a second, so
# that requests still running from one scenario (wrk stops sending at the
# deadline, it does not wait for answers) do not slow the next one down.
wait_idle() {
  local before after
  for _ in $(seq 1 120); do
    before=$(server_ticks)
    sleep 0.5
    after=$(server_ticks)
    (( after - before <= 1 )) && return 0
  done
  echo "bench: the server was still busy 60 s after the scenario ended" >&2
}

URL="http://127.0.0.1:$PORT/graphql"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
while read -r name kind; do
  wait_idle
  say "$name"
  python3 "$HERE/bench.py" single "$PORT" "$TMP" "$name" 3
  wait_idle
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency --timeout 30s"
  BENCH_BODIES="$TMP/$name.bodies" BENCH_KIND="$kind" BENCH_THREADS="$THREADS" \
  BENCH_RESULT="$TMP/$name.result" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 30s \
      -s "$HERE/graphql.lua" "$URL" || echo "bench: wrk failed for $name" >&2
done <"$TMP/scenarios.txt"

wait_idle
say "guest purchases: up to $PURCHASES, one after the other"
python3 "$HERE/bench.py" purchases "$PORT" "$TMP" "$PURCHASES" "$(( DURATION_S * 6 ))" || true

# --------------------------------------------------------------------------
# Report

PEAK_RSS=$(awk '/^VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "unknown")
RSS_NOW=$(awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "unknown")
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo unknown)
{
  echo "comptoir load benchmark - $(date -u '+%Y-%m-%d %H:%M UTC'), commit $COMMIT"
  echo "machine:  $(nproc) CPUs ($CPU); server, wrk and client share them"
  echo "database: $DB_KIND"
  echo "catalog:  $CATALOG"
  [[ -n "$IMPORT_LINE" ]] && echo "          $IMPORT_LINE"
  [[ -n "$IMPORT_SECONDS" ]] && echo "          import took ${IMPORT_SECONDS}s"
  echo "machine load average (1/5/15 min) before the load: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  echo "load:     wrk, $THREADS threads, $CONNECTIONS connections, $DURATION per scenario, search word \"$SEARCH_WORD\""
} >"$TMP/header.txt"

say "results"
python3 "$HERE/bench.py" report "$TMP" "$TMP/header.txt"
echo
echo "server memory: peak RSS (VmHWM) $PEAK_RSS, RSS at the end $RSS_NOW"
panics=$(grep -c 'panicked' "$TMP/server.log" || true)
errors=$(grep -c 'ERROR' "$TMP/server.log" || true)
warns=$(grep -c 'WARN' "$TMP/server.log" || true)
echo "server log: $panics panic(s), $errors ERROR line(s), $warns WARN line(s)"
if [[ -n "$DB_URL" && -z "$DROP_PG_DB" ]]; then
  echo "note: $DB_URL now holds the benchmark's catalog, carts and orders; drop it or empty it before the next run"
fi
if (( panics + errors + warns > 0 )); then
  echo "first of them:"
  grep -E 'panicked|ERROR|WARN' "$TMP/server.log" | head -5 | cut -c1-400
fi
