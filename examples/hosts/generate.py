#!/usr/bin/env python3
"""Writes the example hosts for `restrack --host FILE` (fit-contract host JSON).

Run from anywhere: python3 examples/hosts/generate.py. The output is
deterministic, so re-running it produces no diff unless this script changed.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def cell(cid, socket, cores, threads_of, reserved_cores, shared_cores, memory_mb, pages, distances):
    """cores: list of core numbers; threads_of(core) -> list of CPU ids."""
    sib = [threads_of(c) for c in cores]
    res = [cpu for c in cores[:reserved_cores] for cpu in threads_of(c)]
    shared = [cpu for c in cores[reserved_cores:reserved_cores + shared_cores] for cpu in threads_of(c)]
    ded = [cpu for c in cores[reserved_cores + shared_cores:] for cpu in threads_of(c)]
    huge_kb = sum(size * n for size, n, _ in pages)
    small = (memory_mb * 1024 - huge_kb) // 4
    return {
        "id": cid, "socket": socket,
        "cpus": sorted(shared), "pcpus": sorted(ded),
        "siblings": [sorted(s) for s in sib],
        "memory_mb": memory_mb, "cpu_usage": 0, "memory_usage_mb": 0, "pinned_cpus": [],
        "mempages": [{"size_kb": 4, "total": small, "used": 0, "reserved": 0}]
        + [{"size_kb": size, "total": n, "used": 0, "reserved": r} for size, n, r in pages],
        "distances": {str(k): v for k, v in distances.items()},
        "isolated_cpus": sorted(ded),
    }, res


def sriov(pf_addr, vendor, pf_dev, vf_dev, node, physnet, n_vfs, total_vfs, names, driver, vf_driver, iommu, ifname):
    dom, bus, rest = pf_addr.split(":")
    devs = [{
        "address": pf_addr, "vendor_id": vendor, "product_id": pf_dev, "dev_type": "type-PF",
        "numa_node": node, "physical_network": physnet, "status": "available",
        "class_code": "020000", "class_name": "Ethernet controller",
        "vendor_name": names[0], "device_name": names[1], "driver": driver, "iommu_group": iommu,
        "net_interfaces": [ifname], "sriov_totalvfs": total_vfs, "sriov_numvfs": n_vfs,
    }]
    for i in range(n_vfs):
        slot, fn = 1 + i // 8, i % 8
        devs.append({
            "address": f"{dom}:{bus}:{slot:02x}.{fn}", "vendor_id": vendor, "product_id": vf_dev,
            "dev_type": "type-VF", "parent_addr": pf_addr, "numa_node": node, "physical_network": physnet,
            "status": "available", "class_code": "020000", "class_name": "Ethernet controller",
            "vendor_name": names[0], "device_name": names[2], "driver": vf_driver, "iommu_group": iommu + 1 + i,
            "net_interfaces": [f"{ifname}v{i}"],
        })
    return devs


def two_socket():
    # 2 sockets x 2 SNC cells x 12 cores x 2 threads = 96 CPUs.
    cells = []
    dist = [[10, 12, 21, 21], [12, 10, 21, 21], [21, 21, 10, 12], [21, 21, 12, 10]]
    for cid in range(4):
        cores = list(range(cid * 12, cid * 12 + 12))
        c, _ = cell(cid, cid // 2, cores, lambda k: [k, k + 48], 1, 2, 98304,
                    [(2048, 4096, 64), (1048576, 16, 0)], {j: dist[cid][j] for j in range(4)})
        cells.append(c)
    pci = sriov("0000:3b:00.0", "8086", "1592", "1889", 0, "physnet0", 64, 128,
                ("Intel Corporation", "Ethernet Controller E810-C for QSFP", "Ethernet Adaptive Virtual Function"),
                "ice", "iavf", 40, "ens1f0")
    pci += sriov("0000:af:00.0", "8086", "1592", "1889", 2, "physnet1", 64, 128,
                 ("Intel Corporation", "Ethernet Controller E810-C for QSFP", "Ethernet Adaptive Virtual Function"),
                 "ice", "iavf", 140, "ens5f0")
    pci.append({"address": "0000:5e:00.0", "vendor_id": "144d", "product_id": "a824", "dev_type": "type-PCI",
                "numa_node": 1, "status": "available", "class_code": "010802",
                "class_name": "Non-Volatile memory controller", "vendor_name": "Samsung Electronics Co Ltd",
                "device_name": "NVMe SSD Controller PM173X", "driver": "vfio-pci", "iommu_group": 90})
    return {
        "hostname": "compute-e810-07", "cpu_allocation_ratio": 4.0, "ram_allocation_ratio": 1.0,
        "cells": cells, "pci_devices": pci,
        "pci_aliases": [
            {"name": "e810-vf", "vendor_id": "8086", "product_id": "1889", "device_type": "type-VF",
             "numa_policy": "preferred"},
            {"name": "e810-pf", "vendor_id": "8086", "product_id": "1592", "device_type": "type-PF",
             "numa_policy": "required"},
            {"name": "nvme", "vendor_id": "144d", "product_id": "a824", "device_type": "type-PCI"},
        ],
    }


def four_socket():
    # 4 sockets x 2 cells x 32 cores x 2 threads = 512 CPUs; 16 PFs x 128 VFs; 8 GPUs.
    cells = []
    for cid in range(8):
        d = {j: (10 if j == cid else 12 if j // 2 == cid // 2 else 32) for j in range(8)}
        cores = list(range(cid * 32, cid * 32 + 32))
        c, _ = cell(cid, cid // 2, cores, lambda k: [k, k + 256], 1, 4, 262144,
                    [(2048, 16384, 256), (1048576, 64, 0)], d)
        cells.append(c)
    pci = []
    buses = [0x17, 0x31, 0x4b, 0x65, 0x7f, 0x99, 0xb3, 0xcd]
    for cid in range(8):
        for port in range(2):
            bus = buses[cid] + port * 8
            pci += sriov(f"0000:{bus:02x}:00.0", "15b3", "101d", "101e", cid, f"physnet{port}", 128, 128,
                         ("Mellanox Technologies", "MT2892 Family [ConnectX-6 Dx]",
                          "ConnectX Family mlx5Gen Virtual Function"),
                         "mlx5_core", "mlx5_core", 1000 * (cid + 1) + 200 * port, f"ens{cid + 1}f{port}np{port}")
        pci.append({"address": f"0000:{buses[cid] + 4:02x}:00.0", "vendor_id": "10de", "product_id": "2330",
                    "dev_type": "type-PCI", "numa_node": cid, "status": "available", "class_code": "030200",
                    "class_name": "3D controller", "vendor_name": "NVIDIA Corporation",
                    "device_name": "GH100 [H100 SXM5 80GB]", "driver": "vfio-pci", "iommu_group": 1000 * (cid + 1) + 900})
    return {
        "hostname": "compute-xl-512", "cpu_allocation_ratio": 2.0, "ram_allocation_ratio": 1.0,
        "cells": cells, "pci_devices": pci,
        "pci_aliases": [
            {"name": "cx6-vf", "vendor_id": "15b3", "product_id": "101e", "device_type": "type-VF",
             "numa_policy": "preferred"},
            {"name": "h100", "vendor_id": "10de", "product_id": "2330", "device_type": "type-PCI",
             "numa_policy": "required"},
        ],
    }


def small():
    c, _ = cell(0, 0, [0, 1, 2, 3], lambda k: [k, k + 4], 1, 1, 16384, [(2048, 1024, 0)], {0: 10})
    pci = sriov("0000:01:00.0", "8086", "1572", "154c", 0, "physnet0", 4, 64,
                ("Intel Corporation", "Ethernet Controller X710 for 10GbE SFP+", "Ethernet Virtual Function 700 Series"),
                "i40e", "iavf", 12, "eno1")
    return {
        "hostname": "edge-small-01", "cpu_allocation_ratio": 4.0, "ram_allocation_ratio": 1.0,
        "cells": [c], "pci_devices": pci,
        "pci_aliases": [{"name": "x710-vf", "vendor_id": "8086", "product_id": "154c", "device_type": "type-VF"}],
    }


for name, host in [("two-socket-e810", two_socket()), ("four-socket-512", four_socket()), ("small-one-cell", small())]:
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        # The 512-CPU host is written compactly; it is mostly VFs.
        json.dump(host, f, indent=None if len(host["cells"]) > 4 else 1, sort_keys=True,
                  separators=(",", ":") if len(host["cells"]) > 4 else None)
        f.write("\n")
