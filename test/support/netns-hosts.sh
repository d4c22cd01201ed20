#!/usr/bin/env bash
# Real SSH test hosts: `up N` creates network namespaces owtest-h1..hN on bridge owtest-br0
# (10.213.0.1/24 host side, hosts at 10.213.0.11..), each running its own /usr/sbin/sshd on port 22
# of its own address, with its own host key, config and pid file. Root logs in with a key generated
# here. Writes $OWTEST_HOSTS_DIR/hosts.json ([{name,address,port,user,keyFile}]) and known_hosts.
# `down` removes exactly what `up` created. Idempotent; must run as root.
set -euo pipefail

STATE=${OWTEST_HOSTS_DIR:-/tmp/owctl-test-hosts}
BRIDGE=owtest-br0
PREFIX=10.213.0
MARKER=.owtest-hosts

die() { echo "netns-hosts: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (creates network namespaces); run with sudo or skip SSH tests"
[[ -x /usr/sbin/sshd ]] || die "/usr/sbin/sshd not found; install openssh-server"
command -v ip >/dev/null || die "ip not found; install iproute2"

exec 9>/tmp/owtest-hosts.lock
flock 9

ns_name() { echo "owtest-h$1"; }
address() { echo "$PREFIX.$((10 + $1))"; }

sshd_running() {
  local pidfile=$1
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null && grep -q sshd "/proc/$(cat "$pidfile")/comm" 2>/dev/null
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$PREFIX.1/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
}

ensure_host() {
  local i=$1 ns addr dir veth
  ns=$(ns_name "$i"); addr=$(address "$i"); dir="$STATE/h$i"; veth="owtest-v$i"
  mkdir -p "$dir"
  if ! ip netns list | grep -qw "^$ns"; then
    ip netns add "$ns"
  fi
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$BRIDGE" up
  fi
  ip -n "$ns" link set lo up
  ip -n "$ns" addr replace "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
  [[ -f $dir/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C "$ns" -f "$dir/ssh_host_ed25519_key"
  cat >"$dir/sshd_config" <<CONF
ListenAddress $addr
Port 22
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $STATE/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
UseDNS no
MaxSessions 20
MaxStartups 100:30:200
Subsystem sftp internal-sftp
CONF
  if ! sshd_running "$dir/sshd.pid"; then
    # sshd runs commands through root's login shell, and bash sources ~/.bashrc for ssh commands;
    # hide the machine's (possibly slow) rc file inside the namespace's private mount table.
    : >"$STATE/empty-rc"
    ip netns exec "$ns" sh -c '
      if [ -f /root/.bashrc ]; then mount --bind "$1" /root/.bashrc; fi
      exec /usr/sbin/sshd -f "$2" -E "$3"' sh "$STATE/empty-rc" "$dir/sshd_config" "$dir/sshd.log"
  fi
}

wait_for_ssh() {
  local addr=$1 port=${2:-22}
  for _ in $(seq 1 50); do
    if timeout 1 bash -c "exec 3<>/dev/tcp/$addr/$port" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  die "sshd on $addr:$port did not start; see $STATE/h*/sshd.log"
}

up() {
  local n=${1:-3}
  [[ $n =~ ^[0-9]+$ && $n -ge 1 && $n -le 50 ]] || die "usage: $0 up N (1..50)"
  # Never shrink: hosts another test brought up stay listed (and running).
  mkdir -p "$STATE"
  local existing
  existing=$(find "$STATE" -maxdepth 1 -name 'h[0-9]*' -type d | wc -l)
  ((existing > n)) && n=$existing
  touch "$STATE/$MARKER"
  # sshd needs its privilege-separation directory; remember if it was ours to remove.
  if [[ ! -d /run/sshd ]]; then mkdir -p /run/sshd && touch "$STATE/created-run-sshd"; fi
  [[ -f $STATE/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C owtest -f "$STATE/id_ed25519"
  cp "$STATE/id_ed25519.pub" "$STATE/authorized_keys"
  ensure_bridge
  local json="[" known="" sep=""
  for i in $(seq 1 "$n"); do
    ensure_host "$i"
    local addr; addr=$(address "$i")
    wait_for_ssh "$addr"
    json+="$sep{\"name\":\"$(ns_name "$i")\",\"address\":\"$addr\",\"port\":22,\"user\":\"root\",\"keyFile\":\"$STATE/id_ed25519\"}"
    known+="$addr $(cut -d' ' -f1,2 "$STATE/h$i/ssh_host_ed25519_key.pub")"$'\n'
    sep=","
  done
  printf '%s]\n' "$json" >"$STATE/hosts.json"
  printf '%s' "$known" >"$STATE/known_hosts"
  echo "netns-hosts: $n host(s) up; $STATE/hosts.json"
}

down() {
  for dir in "$STATE"/h*; do
    [[ -d $dir ]] || continue
    if sshd_running "$dir/sshd.pid"; then kill "$(cat "$dir/sshd.pid")"; fi
  done
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^owtest-h[0-9]+$' || true); do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$ns"
  done
  ip link del "$BRIDGE" 2>/dev/null || true
  if [[ -f $STATE/created-run-sshd ]]; then rmdir /run/sshd 2>/dev/null || true; fi
  if [[ -f $STATE/$MARKER ]]; then rm -rf "$STATE"; fi
  echo "netns-hosts: down"
}

case ${1:-} in
  up) up "${2:-3}" ;;
  down) down ;;
  *) die "usage: $0 up N | down" ;;
esac
