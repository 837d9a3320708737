#!/usr/bin/env bash
# Runs every Switchyard test on this machine and ends with a plain "N passed, N failed" line.
# It installs what the tests need first, so it works on a fresh machine as well as a warm one.
set -uo pipefail
cd "$(dirname "$0")"

log_dir=${TEST_LOG_DIR:-artifacts/test}
mkdir -p "$log_dir"

# --- what the tests need -------------------------------------------------------------
# Python 3 runs the peer scripts that a few bench-runner and lab tests call; Chromium renders the lab's charts and
# runs its browser test (Playwright drives /usr/bin/chromium); everything else is .NET.
need_apt=()
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "test.sh: missing ${need_apt[*]} and not root to install it" >&2
  fi
fi

# --- PostgreSQL for the Jobs.Postgres tests -------------------------------------------------
# A throwaway cluster on 127.0.0.1:$SWITCHYARD_PG_PORT (default 55432, checked free); tests/pg-server.sh installs
# postgresql with apt when it is missing. It is stopped on exit, whatever happens.
if [ -z "${SWITCHYARD_TEST_PG:-}" ]; then
  export SWITCHYARD_PG_PORT=${SWITCHYARD_PG_PORT:-55432}
  # The trap is set before the start (a start cut short still leaves a cluster); a port found busy stops nothing of
  # anyone else's: pg-server.sh checks the port before it creates its folder.
  pg_started=0
  trap '[ "$pg_started" = 1 ] && tests/pg-server.sh stop >/dev/null 2>&1 || true' EXIT
  trap 'exit 130' INT TERM HUP
  pg_started=1
  if pg_cs=$(tests/pg-server.sh start 2>"$log_dir/pg-server.log"); then
    export SWITCHYARD_TEST_PG=$(printf '%s\n' "$pg_cs" | tail -1)
  else
    grep -q "is in use" "$log_dir/pg-server.log" && pg_started=0
    echo "test.sh: PostgreSQL did not start (see $log_dir/pg-server.log); the Jobs.Postgres tests will fail" >&2
    cat "$log_dir/pg-server.log" >&2
  fi
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
  --blame-hang-timeout 10m 2>&1 | tee "$log_dir/test.log"
rc=${PIPESTATUS[0]}

# One closing line for the whole run. A run that failed without a failing test (a test host that aborted,
# say) still counts one failure, so the line never reads "0 failed" when the run did not pass.
awk -v rc="$rc" '/^ *(Passed|Failed)! +- /{gsub(",","");for(i=1;i<=NF;i++){if($i=="Passed:")p+=$(i+1);if($i=="Failed:")f+=$(i+1);if($i=="Skipped:")s+=$(i+1)}}
     END{if(rc!=0&&f==0){f=1}; if(p+f==0){f=1}; printf "%d passed, %d failed, %d skipped\n",p,f,s}' "$log_dir/test.log"
exit "$rc"
