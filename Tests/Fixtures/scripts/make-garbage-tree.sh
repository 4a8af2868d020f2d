#!/usr/bin/env bash
# Builds a corrupt sysfs tree on the 32intel64-2p8co2t+8ve capture, for the
# "garbled file = warning, never a crash" tests. Usage: make-garbage-tree.sh DEST
#
#   node0 hugepages-2048kB/nr_hugepages      "lots" (not a number)
#   cpu/isolated                              "3-x" (not a CPU list)
#   node1/distance                            "21 ten"
#   cpu5 thread_siblings_list                 removed (the mask must be used)
#   0000:60:00.0/numa_node                    a directory, so reading it fails
#   0000:17:00.0/class                        removed (libpci would exit(1))
#   0000:60:00.1/net/                         an interface named \xff"bad"\x01
#                                             (not UTF-8, with a control char)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$1"
mkdir -p "$dest"
tar -xjf "$here/../hwloc/32intel64-2p8co2t+8ve.tar.bz2" -C "$dest"
root="$dest/32intel64-2p8co2t+8ve"
sys="$root/sys/devices/system"
pci="$root/sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0"
echo lots > "$sys/node/node0/hugepages/hugepages-2048kB/nr_hugepages"
echo 3-x > "$sys/cpu/isolated"
echo "21 ten" > "$sys/node/node1/distance"
rm "$sys/cpu/cpu5/topology/thread_siblings_list"
rm "$pci/0000:60:00.0/numa_node"
mkdir "$pci/0000:60:00.0/numa_node"
rm "$root/sys/devices/pci0000:17/0000:17:00.0/class"
mkdir -p "$pci/0000:60:00.1/net/$(printf '\xffbad\x01')"
echo "$root"
