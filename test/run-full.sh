#!/usr/bin/env bash
# The full test suite with the real components it needs: installs missing OS packages (as root),
# starts a private dockerd and SSH test hosts in network namespaces, runs `npm test`, stops them.
set -uo pipefail
cd "$(dirname "$0")/.."

packages=(docker.io openssh-server bubblewrap iproute2 busybox-static curl openssl)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing OS packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing OS packages (${missing[*]}): run as root or install them; dependent tests will be skipped" >&2
  fi
fi

started_docker=0
started_hosts=0
cleanup() {
  ((started_hosts)) && bash test/support/netns-hosts.sh down >/dev/null 2>&1
  ((started_docker)) && bash test/support/dockerd.sh stop >/dev/null 2>&1
}
trap cleanup EXIT

# Start only what is not already running, and stop only what this run started: a developer's
# dockerd and test hosts stay as they were.
if [[ $(id -u) -eq 0 ]]; then
  if ! docker info >/dev/null 2>&1; then bash test/support/dockerd.sh start && started_docker=1; fi
  # `up` is idempotent and restarts an sshd that is gone (namespaces outlive the processes).
  hosts_existed=0
  ip netns list 2>/dev/null | grep -q '^owtest-h3' && hosts_existed=1
  if bash test/support/netns-hosts.sh up 3 && ((!hosts_existed)); then started_hosts=1; fi
fi

npm test
