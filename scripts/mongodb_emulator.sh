#!/usr/bin/env bash
# Run a command against a throw-away MongoDB wire-protocol server.
#
#   scripts/mongodb_emulator.sh COMMAND [ARGS...]
#
# Starts SecantusDB (a MongoDB emulator: GPL-2.0-only beta, test-only, never
# part of the product) from its own virtualenv, .venv-secantus/ (created on
# first use; kept out of requirements*.txt), on a free loopback port with an
# in-memory store, waits until it answers `ping`, runs COMMAND with
# MONGODB_URI pointing at it and stops the server by its PID when COMMAND
# ends, fails or is interrupted. Exits with COMMAND's status.
#
# Environment:
#   SECANTUS_VENV        virtualenv of the emulator (.venv-secantus)
#   SECANTUS_PORTS       loopback port range to pick from (27100-27199)
#   SECANTUS_STORAGE     --storage-path (":memory:"; a folder keeps the data)
#   SECANTUS_LOG         the server's log file (a temporary file)
#   PYTHON               interpreter that creates the virtualenv (python3.11 or python3)
set -euo pipefail
cd "$(dirname "$0")/.."

SECANTUS_VERSION="0.7.0b3"
VENV="${SECANTUS_VENV:-.venv-secantus}"
PORTS="${SECANTUS_PORTS:-27100-27199}"
STORAGE="${SECANTUS_STORAGE:-:memory:}"
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('SecantusDB') != '$SECANTUS_VERSION')" 2>/dev/null; then
  echo "Creating $VENV with SecantusDB==$SECANTUS_VERSION (the MongoDB emulator)..." >&2
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "SecantusDB==$SECANTUS_VERSION"
fi

# A free port in the range: nothing accepts a connection on it and it can be bound.
PORT="$("$VENV/bin/python" - "$PORTS" <<'EOF'
import random, socket, sys
low, high = (int(p) for p in sys.argv[1].split("-"))
ports = list(range(low, high + 1))
random.shuffle(ports)
for port in ports:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    sys.exit(f"no free port in {low}-{high}")
EOF
)"

LOG="${SECANTUS_LOG:-$(mktemp -t secantus-XXXXXX.log)}"
SERVER_PID=""
stop_server() {
  local status=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  exit "$status"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# An empty --config file: no secantusd.toml from the working directory or ~ applies.
CONFIG="$(mktemp -t secantusd-XXXXXX.toml)"
"$VENV/bin/secantusd-py" --config "$CONFIG" --host 127.0.0.1 --port "$PORT" \
  --storage-path "$STORAGE" --log-level WARNING >"$LOG" 2>&1 &
SERVER_PID=$!

URI="mongodb://127.0.0.1:$PORT/?directConnection=true"
if ! "$VENV/bin/python" - "$URI" "$SERVER_PID" <<'EOF'
import os, sys, time
import pymongo
uri, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the emulator exited while starting")
    try:
        with pymongo.MongoClient(uri, serverSelectionTimeoutMS=500) as client:
            client.admin.command("ping")
            sys.exit(0)
    except pymongo.errors.PyMongoError:
        time.sleep(0.2)
sys.exit("the emulator did not answer within 60 s")
EOF
then
  echo "SecantusDB failed to start; its log ($LOG):" >&2
  tail -n 30 "$LOG" >&2
  exit 1
fi
rm -f "$CONFIG"
echo "SecantusDB $SECANTUS_VERSION (MongoDB emulator) on $URI, pid $SERVER_PID, log $LOG" >&2

export MONGODB_URI="$URI"
status=0
"$@" || status=$?
exit "$status"
