#!/usr/bin/env bash
# A docker engine for tests: `start` launches a private dockerd on /var/run/docker.sock unless an
# engine already answers there (data, exec root and pid file under /tmp/owctl-dockerd; no
# iptables rules, so nothing is NATed off the machine). `stop` stops only the dockerd it started.
set -euo pipefail

DIR=${OWCTL_DOCKERD_DIR:-/tmp/owctl-dockerd}
SOCK=/var/run/docker.sock
PIDFILE=$DIR/dockerd.pid

die() { echo "dockerd.sh: $*" >&2; exit 1; }
answers() { DOCKER_HOST=unix://$SOCK timeout 5 docker info >/dev/null 2>&1; }
ours_running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && grep -q dockerd "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null; }

start() {
  [[ $(id -u) -eq 0 ]] || die "must run as root to start dockerd"
  command -v dockerd >/dev/null || die "dockerd not found; install docker.io"
  mkdir -p "$DIR"
  exec 9>"$DIR.lock"
  flock 9
  if answers; then echo "dockerd.sh: using the engine already at $SOCK"; return 0; fi
  if ! ours_running; then
    nohup dockerd \
      --host "unix://$SOCK" \
      --data-root "$DIR/data" \
      --exec-root "$DIR/exec" \
      --pidfile "$PIDFILE" \
      --iptables=false --ip6tables=false \
      >"$DIR/dockerd.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 120); do
    if answers; then echo "dockerd.sh: dockerd up at $SOCK (log $DIR/dockerd.log)"; return 0; fi
    sleep 0.25
  done
  tail -20 "$DIR/dockerd.log" >&2 || true
  die "dockerd did not answer within 30s; see $DIR/dockerd.log"
}

stop() {
  if ! ours_running; then echo "dockerd.sh: no dockerd started by this script"; return 0; fi
  local pid; pid=$(cat "$PIDFILE")
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { echo "dockerd.sh: stopped"; return 0; }
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  echo "dockerd.sh: killed (did not stop within 15s)"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop" ;;
esac
