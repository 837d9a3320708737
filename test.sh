#!/usr/bin/env bash
# Runs every Switchyard test on this machine and ends with a plain "N passed, N failed" line.
# It installs what the tests need first, so it works on a fresh machine as well as a warm one.
set -uo pipefail
cd "$(dirname "$0")"

log_dir=${TEST_LOG_DIR:-artifacts/test}
mkdir -p "$log_dir"

# --- what the tests need -------------------------------------------------------------
# Python 3 runs the peer scripts that a few bench-runner and lab tests call; Debian's ImageMagick (/usr/bin/convert and
# identify) is what samples/ImageBatch runs (a convert elsewhere on the PATH may be a stand-in, so it does not count);
# Debian's Chromium is the browser the dashboard's and the lab report's browser tests drive (Playwright with
# ExecutablePath=/usr/bin/chromium; they fail, not skip, without it), and it renders the lab's chart images.
need_apt=()
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
{ [ -x /usr/bin/convert ] && [ -x /usr/bin/identify ]; } || command -v magick >/dev/null 2>&1 || need_apt+=(imagemagick)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "test.sh: missing ${need_apt[*]} and not root to install it" >&2
  fi
fi

# --- PostgreSQL for the Jobs.Postgres tests, RabbitMQ for the message-consumer sample -------------------------
# Throwaway servers on loopback: PostgreSQL on 127.0.0.1:$SWITCHYARD_PG_PORT (default 55432), RabbitMQ on
# 127.0.0.1:$SWITCHYARD_RABBIT_PORT (default 55672, plus the next two ports), each checked free; tests/pg-server.sh and
# tests/rabbitmq-server.sh install their server with apt when it is missing. Both are stopped on exit, whatever happens.
# The trap is set before the starts (a start cut short still leaves a server); a port found busy stops nothing of
# anyone else's: each script checks its ports before it creates its folder.

# start_server NAME SCRIPT VAR: runs `SCRIPT start`, exports VAR as the last line it prints; says so when it fails.
# Returns 0 when started, 2 when its port was busy (nothing of ours to stop), 1 otherwise.
start_server() {
  local log="$log_dir/$(basename "$2" .sh).log" out
  if out=$("$2" start 2>"$log"); then
    export "$3=$(printf '%s\n' "$out" | tail -1)"
    return 0
  fi
  echo "test.sh: $1 did not start (see $log); the tests that need it will fail" >&2
  cat "$log" >&2
  if grep -q "is in use" "$log"; then return 2; fi
  return 1
}
pg_started=0
rabbit_started=0
trap '[ "$pg_started" = 1 ] && tests/pg-server.sh stop >/dev/null 2>&1; [ "$rabbit_started" = 1 ] && tests/rabbitmq-server.sh stop >/dev/null 2>&1; true' EXIT
trap 'exit 130' INT TERM HUP
if [ -z "${SWITCHYARD_TEST_PG:-}" ]; then
  export SWITCHYARD_PG_PORT=${SWITCHYARD_PG_PORT:-55432}
  pg_started=1
  start_server PostgreSQL tests/pg-server.sh SWITCHYARD_TEST_PG; [ $? = 2 ] && pg_started=0
fi
if [ -z "${SWITCHYARD_TEST_RABBITMQ:-}" ]; then
  export SWITCHYARD_RABBIT_PORT=${SWITCHYARD_RABBIT_PORT:-55672}
  rabbit_started=1
  start_server RabbitMQ tests/rabbitmq-server.sh SWITCHYARD_TEST_RABBITMQ; [ $? = 2 ] && rabbit_started=0
fi

# --- the tests ----------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 NO_COLOR=1
dotnet build Switchyard.slnx -c Release -nologo -v q 2>&1 | tee "$log_dir/build.log"
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test Switchyard.slnx -c Release --no-build -nologo \
  --logger trx --results-directory "$log_dir" \
  --blame-hang-timeout 6m 2>&1 | tee "$log_dir/test.log"
rc=${PIPESTATUS[0]}

# One closing line for the whole run. A run that failed without a failing test (a test host that aborted,
# say) still counts one failure, so the line never reads "0 failed" when the run did not pass.
awk -v rc="$rc" '/^ *(Passed|Failed)! +- /{gsub(",","");for(i=1;i<=NF;i++){if($i=="Passed:")p+=$(i+1);if($i=="Failed:")f+=$(i+1);if($i=="Skipped:")s+=$(i+1)}}
     END{if(rc!=0&&f==0){f=1}; if(p+f==0){f=1}; printf "%d passed, %d failed, %d skipped\n",p,f,s}' "$log_dir/test.log"
exit "$rc"
