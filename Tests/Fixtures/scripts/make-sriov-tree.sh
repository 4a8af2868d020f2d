#!/usr/bin/env bash
# Builds an SR-IOV sysfs tree: unpacks the 32intel64-2p8co2t+8ve capture into
# DEST and enables VFs on its two Intel X722 PFs the way the kernel shows
# them (no capture has VFs). Usage: make-sriov-tree.sh DEST
#
#   PF 0000:60:00.0 (enp96s0f0): sriov_numvfs 4, VFs 0000:60:02.0-3
#   PF 0000:60:00.1 (enp96s0f1): sriov_numvfs 2, VFs 0000:60:0a.0-1
# Each PF gets virtfnN -> ../<VF>; each VF gets physfn -> ../<PF>, vendor
# 0x8086, device 0x37cd (X722 VF), class 0x020000, numa_node 0, a driver
# link to iavf (VF 0000:60:02.3 is left unbound), an iommu_group link and a
# net/ interface; /sys/bus/pci/devices gets a link per VF.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="$1"
mkdir -p "$dest"
tar -xjf "$here/../hwloc/32intel64-2p8co2t+8ve.tar.bz2" -C "$dest"
root="$dest/32intel64-2p8co2t+8ve"
parent="sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0"

add_vfs() { # pf slot count ifprefix group0
  local pf="$1" slot="$2" count="$3" ifprefix="$4" group="$5"
  echo "$count" > "$root/$parent/$pf/sriov_numvfs"
  for ((i = 0; i < count; i++)); do
    local vf="0000:60:$slot.$i"
    local dir="$root/$parent/$vf"
    mkdir -p "$dir/net/${ifprefix}v$i"
    printf '0x8086\n' > "$dir/vendor"
    printf '0x37cd\n' > "$dir/device"
    printf '0x020000\n' > "$dir/class"
    printf '0x8086\n' > "$dir/subsystem_vendor"
    printf '0x0000\n' > "$dir/subsystem_device"
    printf '0\n' > "$dir/numa_node"
    ln -s "../$pf" "$dir/physfn"
    ln -s "../$vf" "$root/$parent/$pf/virtfn$i"
    if [ "$vf" != "0000:60:02.3" ]; then
      ln -s ../../../../../../bus/pci/drivers/iavf "$dir/driver"
    fi
    ln -s "../../../../../../kernel/iommu_groups/$((group + i))" "$dir/iommu_group"
    ln -s "../../../devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0/$vf" \
      "$root/sys/bus/pci/devices/$vf"
  done
}
add_vfs 0000:60:00.0 02 4 enp96s0f0 100
add_vfs 0000:60:00.1 0a 2 enp96s0f1 110
echo "$root"
