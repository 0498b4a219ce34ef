#!/usr/bin/env bash
# Run the batch on Luigi's central scheduler (luigid) from the project root.
#
#   scripts/luigid.sh start [PORT]     luigid on 127.0.0.1:PORT (default 8082), in the background;
#                                      state and log in $LUIGID_DIR (default clean/.luigid/)
#   scripts/luigid.sh workers N [ARGS] N worker processes of CleanAll on this machine, pointed at
#                                      luigid; when all have exited, one last CleanAll prints the
#                                      batch summary and exits with the batch's status (0 = all cleaned)
#   scripts/luigid.sh stop             stop the luigid this script started
#
# On other machines sharing raw/, clean/ and dictionaries/, run only the worker
# command, with the scheduler's host:
#   LUIGI_CONFIG_PATH=luigi-central.cfg luigi --module pipeline CleanAll --scheduler-host HOST --scheduler-port PORT
# luigid listens on 127.0.0.1 here; to serve other machines, start it with
# LUIGID_ADDRESS set to an address they can reach, behind a firewall: it has no authentication.
set -euo pipefail
cd "$(dirname "$0")/.."
# luigi, luigid and python3 of the project's environment (scripts/setup.sh), activated or not.
if [ -x .venv/bin/luigid ]; then PATH="$(pwd)/.venv/bin:$PATH"; fi

DIR=${LUIGID_DIR:-clean/.luigid}
ADDRESS=${LUIGID_ADDRESS:-127.0.0.1}
PORT_FILE="$DIR/port"

case "${1:-}" in
start)
    port=${2:-8082}
    mkdir -p "$DIR/log"
    if [ -f "$DIR/luigid.pid" ] && kill -0 "$(cat "$DIR/luigid.pid")" 2>/dev/null; then
        echo "luigid already running (pid $(cat "$DIR/luigid.pid"), port $(cat "$PORT_FILE"))"; exit 0
    fi
    luigid --background --address "$ADDRESS" --port "$port" --pidfile "$(pwd)/$DIR/luigid.pid" \
        --logdir "$(pwd)/$DIR/log" --state-path "$(pwd)/$DIR/state.pickle"
    echo "$port" > "$PORT_FILE"
    for _ in $(seq 50); do
        if python3 -c "import socket,sys; socket.create_connection(('$ADDRESS', $port), 1)" 2>/dev/null; then
            echo "luigid on http://$ADDRESS:$port (pid $(cat "$DIR/luigid.pid")); log in $DIR/log"; exit 0
        fi
        sleep 0.2
    done
    echo "luigid did not answer on $ADDRESS:$port; see $DIR/log" >&2; exit 1
    ;;
workers)
    n=${2:?how many worker processes?}; shift 2
    port=$(cat "$PORT_FILE" 2>/dev/null || echo 8082)
    export LUIGI_CONFIG_PATH=luigi-central.cfg
    pids=()
    for i in $(seq "$n"); do
        luigi --module pipeline CleanAll --scheduler-port "$port" "$@" > "$DIR/worker-$i.log" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        # A worker that left part of the batch to the others exits 10 or 25: only the check below counts.
        wait "${pids[$i]}" && rc=0 || rc=$?
        echo "worker $((i + 1)) exited $rc (log: $DIR/worker-$((i + 1)).log)"
    done
    exec luigi --module pipeline CleanAll --scheduler-port "$port" "$@"
    ;;
stop)
    if [ -f "$DIR/luigid.pid" ]; then
        kill "$(cat "$DIR/luigid.pid")" 2>/dev/null || true
        rm -f "$DIR/luigid.pid"
        echo "luigid stopped"
    fi
    ;;
*)
    sed -n '2,17p' "$0"; exit 2
    ;;
esac
