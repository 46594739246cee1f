#!/usr/bin/env bash
# End-to-end speed: 64-byte frames from trafgen in one namespace, through a bridge, counted at a sink
# namespace, for the Linux bridge and for Hairpin, interleaved round by round on the same veths, plus
# the hairpin case (generator and sink behind one uplink as VEPA macvlans, the bridge reflecting).
# Prints delivered frames/s and CPU per frame (whole machine, from /proc/stat) for each, the medians,
# and Hairpin's two ratios to Linux per path: frames/s and CPU per frame (medians over medians). Root only; not part of CI's pass/fail (the figures depend on load).
#
#   bash bench/e2e/speed.sh [SECONDS_PER_RUN=10] [ROUNDS=3]
set -euo pipefail
seconds=${1:-10}
rounds=${2:-3}
here=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "speed.sh: run as root (it builds namespaces and veths)" >&2; exit 2; }
command -v trafgen >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq netsniff-ng >/dev/null
dotnet build -c Release "$here/src/Host" -nologo -v quiet >/dev/null
hairpin="$here/src/Host/bin/Release/net10.0/hairpin"

s=$(printf '%04x' $((RANDOM % 65536)))
gen=hpg$s sink=hps$s mid=hpm$s gen2=hpG$s sink2=hpS$s hv=hph$s
work=$(mktemp -d /tmp/hairpin-speed.XXXXXX)
bridge_pid=
cleanup() {
  [ -n "$bridge_pid" ] && kill "$bridge_pid" 2>/dev/null && wait "$bridge_pid" 2>/dev/null || true
  for ns in $gen $sink $mid $gen2 $sink2 $hv; do ip netns del "$ns" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

for ns in $gen $sink $mid $gen2 $sink2 $hv; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
# Straight path: gen0 -- mg | bridge | ms -- sink0
ip link add gen0 netns "$gen" type veth peer name mg netns "$mid"
ip link add sink0 netns "$sink" type veth peer name ms netns "$mid"
# Hairpin path: two VEPA macvlans on hup (in hv) -- mh | bridge (hairpin on mh)
ip link add hup netns "$hv" type veth peer name mh netns "$mid"
ip -n "$hv" link set hup up
ip -n "$hv" link add mvg link hup type macvlan mode vepa
ip -n "$hv" link add mvs link hup type macvlan mode vepa
ip -n "$hv" link set mvg netns "$gen2"
ip -n "$hv" link set mvs netns "$sink2"
for pair in "$gen gen0" "$sink sink0" "$gen2 mvg" "$sink2 mvs"; do set -- $pair; ip -n "$1" link set "$2" up; done
for dev in mg ms mh; do ip -n "$mid" link set "$dev" up; done
sink_mac=$(ip -n "$sink" -br link show sink0 | awk '{print $3}')
sink2_mac=$(ip -n "$sink2" -br link show mvs | awk '{print $3}')

trafgen_conf() { printf '{ eth(da=%s, sa=02:00:00:00:00:01, type=0x88b5), fill(0x00, 46) }\n' "$1"; }
trafgen_conf "$sink_mac" > "$work/straight.cfg"
trafgen_conf "$sink2_mac" > "$work/hairpin.cfg"

busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; }
rx() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }

start_linux() {
  ip -n "$mid" link add br0 type bridge
  for dev in mg ms mh; do ip -n "$mid" link set "$dev" master br0; done
  ip netns exec "$mid" bridge link set dev mh hairpin on
  ip -n "$mid" link set br0 up
  ip netns exec "$mid" bridge fdb add "$sink_mac" dev ms master static
  ip netns exec "$mid" bridge fdb add "$sink2_mac" dev mh master static
}
stop_linux() { ip -n "$mid" link del br0; }

start_hairpin() {
  cat > "$work/bridge.yaml" <<YAML
ports:
  - { name: mg, attach: { afpacket: mg } }
  - { name: ms, attach: { afpacket: ms } }
  - { name: mh, attach: { afpacket: mh }, hairpin: true }
management:
  socket: $work/bridge.sock
YAML
  ip netns exec "$mid" "$hairpin" bridge --config "$work/bridge.yaml" --log-level warning > "$work/bridge.log" 2>&1 &
  bridge_pid=$!
  for _ in $(seq 100); do [ -S "$work/bridge.sock" ] && break; sleep 0.1; done
  "$hairpin" --socket "$work/bridge.sock" fdb add "$sink_mac" dev ms static
  "$hairpin" --socket "$work/bridge.sock" fdb add "$sink2_mac" dev mh static
  sleep 1   # let the transports attach
}
stop_hairpin() { kill "$bridge_pid"; wait "$bridge_pid" 2>/dev/null || true; bridge_pid=; }

# One measurement: prints "frames_per_second us_per_frame".
measure() {   # gen_ns gen_dev cfg sink_ns sink_dev
  local before cpu0 after cpu1
  before=$(rx "$4" "$5"); cpu0=$(busy_jiffies)
  ip netns exec "$1" timeout "$seconds" trafgen --dev "$2" --conf "$3" -P1 --no-sock-mem -C -Q >/dev/null 2>&1 || true
  sleep 0.5
  after=$(rx "$4" "$5"); cpu1=$(busy_jiffies)
  local hz; hz=$(getconf CLK_TCK)
  awk -v n=$((after - before)) -v t="$seconds" -v j=$((cpu1 - cpu0)) -v hz="$hz" \
    'BEGIN { printf "%.0f %.2f\n", n / t, (n > 0 ? j / hz * 1e6 / n : 0) }'
}

declare -A results
for round in $(seq "$rounds"); do
  for impl in linux hairpin; do
    "start_$impl"
    results[$impl-straight]+="$(measure "$gen" gen0 "$work/straight.cfg" "$sink" sink0);"
    results[$impl-hairpin]+="$(measure "$gen2" mvg "$work/hairpin.cfg" "$sink2" mvs);"
    "stop_$impl"
  done
  echo "round $round done" >&2
done

median() { tr ';' '\n' | grep -v '^$' | sort -n -k"$1" | awk -v k="$1" '{v[NR]=$k} END {print v[int((NR+1)/2)]}'; }
printf '%-22s %14s %14s\n' "path" "frames/s" "CPU us/frame"
for key in linux-straight hairpin-straight linux-hairpin hairpin-hairpin; do
  printf '%-22s %14s %14s   (runs: %s)\n' "$key" "$(echo "${results[$key]}" | median 1)" "$(echo "${results[$key]}" | median 2)" "${results[$key]}"
done
# Issue 11's goals: frames/s at least 1.0x the Linux bridge's, CPU per frame at most 1.0x its.
for path in straight hairpin; do
  awk -v h="$(echo "${results[hairpin-$path]}" | median 1)" -v l="$(echo "${results[linux-$path]}" | median 1)" \
      -v hc="$(echo "${results[hairpin-$path]}" | median 2)" -v lc="$(echo "${results[linux-$path]}" | median 2)" -v p="$path" \
    'BEGIN { printf "Hairpin / Linux, %-8s frames/s %.2fx (goal >= 1.0x), CPU per frame %.2fx (goal <= 1.0x)\n", p ":", (l > 0 ? h / l : 0), (lc > 0 ? hc / lc : 0) }'
done
