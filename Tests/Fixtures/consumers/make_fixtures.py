#!/usr/bin/env python3
"""Builds the consumer fixtures of Tests/EndToEndTests/Consumer*.swift (offline, once).

    ORACLE_VENV/bin/python make_fixtures.py --oracle ../shared/oracle --restrack .build/debug/restrack

Run from the repository root with the Nova oracle's virtualenv (Nova 34.0.0, see
PROVENANCE.md) and `virt-xml-validate` on PATH (libvirt-clients). Writes, next to
this script:

  seeds/seed-S.tar.bz2   a captured host root made by make_consumer_root.py --seed S
                         --with-sysfs, plus the kernel's side the generator leaves out
                         (VFs in sysfs, hugepages of running consumers taken out of
                         free_hugepages), stored as an overlay over the hwloc capture
                         ../hwloc/32intel64-2p8co2t+8ve.tar.bz2: unpack that (its top
                         directory stripped, sys/ and proc/ only), then this on top.
  variants.tar.bz2       variants/NAME/{base,remove,files/...}: a seed root changed to
                         have exactly one problem (base = the seed, remove = paths to
                         delete, files = paths to write over it).
  roundtrip/NN.*         request, the decision `restrack fit --host seed-1's host.json`
                         made for it, and the XML Nova would write for that decision
                         (NN.nova.xml as Nova passes it to defineXML, NN.libvirt.xml as
                         libvirt saves it under /etc/libvirt/qemu).

Every root is checked with consumer_check.py (the reference reader) before it is kept;
every kubelet checkpoint meant to be valid is re-verified with kubelet_state.py.
"""

import argparse, io, json, os, random, shutil, subprocess, sys, tarfile, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
HWLOC = os.path.join(HERE, "..", "hwloc", "32intel64-2p8co2t+8ve.tar.bz2")
SEEDS = [1, 3, 5, 6, 8]
PF_PARENT = "sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0"
VF_POOLS = [("0000:60:00.0", "02", 200), ("0000:60:00.1", "0a", 210)]  # PF, VF slot, first IOMMU group


def load_oracle(path):
    sys.path.insert(0, os.path.abspath(path))
    import consumer_check, kubelet_state, libvirt_domain, make_consumer_root  # noqa: E402
    return consumer_check, kubelet_state, libvirt_domain, make_consumer_root


def unpack_hwloc(out):
    """The hwloc capture's sys/ and proc/ under OUT, top directory stripped."""
    with tarfile.open(HWLOC) as t:
        for m in t.getmembers():
            parts = m.name.split("/", 1)
            if len(parts) < 2 or not parts[1].startswith(("sys", "proc")):
                continue
            m.name = parts[1]
            t.extract(m, out, filter="tar")


def write(root, rel, text, mode=0o644):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def link(root, rel, target):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(target, path)


def add_vfs(root):
    """8 VFs per X722 PF as the kernel shows them once sriov_numvfs is set (the
    capture has none; make_consumer_root.py names them in host.json): bound to
    vfio-pci, one IOMMU group each, like make-sriov-tree.sh does for fewer."""
    for pf, slot, group in VF_POOLS:
        write(root, "%s/%s/sriov_numvfs" % (PF_PARENT, pf), "8\n")
        for i in range(8):
            vf = "0000:60:%s.%d" % (slot, i)
            d = "%s/%s" % (PF_PARENT, vf)
            for name, value in (("vendor", "0x8086"), ("device", "0x37cd"), ("class", "0x020000"),
                                ("subsystem_vendor", "0x8086"), ("subsystem_device", "0x0000"),
                                ("numa_node", "0")):
                write(root, "%s/%s" % (d, name), value + "\n")
            link(root, d + "/physfn", "../" + pf)
            link(root, "%s/%s/virtfn%d" % (PF_PARENT, pf, i), "../" + vf)
            link(root, d + "/driver", "../../../../../../bus/pci/drivers/vfio-pci")
            g = group + i
            link(root, d + "/iommu_group", "../../../../../../kernel/iommu_groups/%d" % g)
            link(root, "sys/kernel/iommu_groups/%d/devices/%s" % (g, vf),
                 "../../../../devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0/" + vf)
            link(root, "sys/bus/pci/devices/" + vf, "../../../devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/"
                 "0000:5f:03.0/" + vf)
    os.makedirs(os.path.join(root, "sys/bus/pci/drivers/vfio-pci"), exist_ok=True)


def floating_threads(root, expected):
    """libvirt applies <vcpu cpuset> to every vCPU thread of a guest without
    <vcpupin>s; the generator leaves such threads on all online CPUs."""
    for c in expected["consumers"]:
        if c["kind"] != "libvirt" or c.get("state") != "running" or c["vcpu_pins"]:
            continue
        cpus = c["floating_cpus"]
        for tid in c["vcpu_tids"]:
            rel = "proc/%d/task/%d/status" % (c["pid"], tid)
            text = open(os.path.join(root, rel)).read()
            old = next(l for l in text.splitlines() if l.startswith("Cpus_allowed_list:"))
            write(root, rel, text.replace(old, "Cpus_allowed_list:\t" + cpulist(cpus)), 0o444)
        scope = "sys/fs/cgroup/machine.slice/machine-%s.scope/libvirt" % _escape("qemu-%d-%s" % (c["domid"], c["name"]))
        for v in range(len(c["vcpu_tids"])):
            write(root, "%s/vcpu%d/cpuset.cpus.effective" % (scope, v), cpulist(cpus) + "\n", 0o444)


def cpulist(cpus):
    out, run = [], []
    for c in sorted(cpus):
        if run and c == run[-1] + 1:
            run.append(c)
            continue
        if run:
            out.append("%d-%d" % (run[0], run[-1]) if len(run) > 1 else str(run[0]))
        run = [c]
    if run:
        out.append("%d-%d" % (run[0], run[-1]) if len(run) > 1 else str(run[0]))
    return ",".join(out)


def _escape(name):
    return "".join(c if c.isalnum() or c in ":_." else "\\x%02x" % ord(c) for c in name)


def pages_in_use(root, expected):
    """A running guest's or pod's hugepages are not free in the kernel's counts."""
    used = {}
    for c in expected["consumers"]:
        if c.get("state") != "running":
            continue
        for h in c["hugepages"]:
            used[(h["node"], h["size_kb"])] = used.get((h["node"], h["size_kb"]), 0) + h["pages"]
    for (node, size), n in sorted(used.items()):
        rel = "sys/devices/system/node/node%d/hugepages/hugepages-%dkB/free_hugepages" % (node, size)
        with open(os.path.join(root, rel)) as f:
            free = int(f.read())
        write(root, rel, "%d\n" % (free - n), 0o444)
    glob_ = "sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
    with open(os.path.join(root, glob_)) as f:
        free = int(f.read())
    write(root, glob_, "%d\n" % (free - sum(n for (_, s), n in used.items() if s == 2048)), 0o444)


def nova_conf(host):
    """cpu_shared_set / cpu_dedicated_set = host.json's cpus / pcpus; the VF and VE
    pools as Nova's device_spec and aliases (the contract host's pci_aliases)."""
    spec = cpulist
    shared = [x for c in host["cells"] for x in c["cpus"]]
    dedicated = [x for c in host["cells"] for x in c["pcpus"]]
    lines = ["[compute]", "cpu_shared_set = " + spec(shared), "cpu_dedicated_set = " + spec(dedicated), "",
             "[pci]"]
    lines.append('device_spec = {"vendor_id": "8086", "product_id": "37cd"}')
    lines.append('device_spec = {"vendor_id": "1bcf", "product_id": "001c"}')
    for a in host["pci_aliases"]:
        lines.append("alias = " + json.dumps({"name": a["name"], "vendor_id": a["vendor_id"],
                                              "product_id": a["product_id"], "device_type": a["device_type"],
                                              "numa_policy": a["numa_policy"]}))
    return "\n".join(lines) + "\n"


def build_seed(O, seed, out):
    CC, KS, LD, MCR = O
    e = MCR.build(seed, out)
    MCR.unpack_tree(HWLOC, out)
    MCR.write_live_state(out, e)
    floating_threads(out, e)
    add_vfs(out)
    pages_in_use(out, e)
    host = json.load(open(os.path.join(out, "host.json")))
    write(out, "nova.conf", nova_conf(host))
    bad = CC.compare(CC.discover(out), e["consumers"])
    if bad:
        raise SystemExit("seed %d: %s" % (seed, bad))
    return e


def tree(root):
    """rel path -> ('f', bytes, mode) | ('l', target) | ('d',)"""
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("l", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = ("d",)
            else:
                with open(p, "rb") as f:
                    out[rel] = ("f", f.read(), os.stat(p).st_mode & 0o777)
    return out


def overlay(base, full):
    """Paths of FULL that BASE lacks or has otherwise; paths of BASE that FULL lacks."""
    b, f = tree(base), tree(full)
    changed = sorted(k for k, v in f.items() if v[0] != "d" and b.get(k) != v)
    newdirs = sorted(k for k, v in f.items() if v[0] == "d" and k not in b)
    removed = sorted(k for k in b if k not in f and (os.path.dirname(k) == "" or os.path.dirname(k) in f))
    return changed, newdirs, removed


def add_text(tar, name, text):
    data = text.encode()
    ti = tarfile.TarInfo(name)
    ti.size, ti.mode, ti.mtime = len(data), 0o644, 1700000000
    tar.addfile(ti, io.BytesIO(data))


def normalize(tar_info):
    tar_info.mtime, tar_info.uid, tar_info.gid, tar_info.uname, tar_info.gname = 1700000000, 0, 0, "root", "root"
    return tar_info


# ------------------------------------------------------------------- variants ---

def guest(e, name):
    return next(c for c in e["consumers"] if c["kind"] == "libvirt" and c["name"] == name)


def pod(e, uid):
    return next(c for c in e["consumers"] if c["kind"] == "kubelet" and c["uid"] == uid)


def rewrite_guest(O, root, e, rec):
    """The guest's files as Nova and libvirt would write them for REC's decision,
    and what the kernel shows for it (thread affinities = the new pins)."""
    CC, KS, LD, MCR = O
    host = json.load(open(os.path.join(root, "host.json")))
    req, dec = rec["request"], rec["decision"]
    style = "interface" if any(p["as"] == "interface" for p in rec["pci"]) else "hostdev"
    g = LD.guest_config(host, req, dec, rec["uuid"], rec["name"], style)
    new = MCR.guest_record(host, req, dec, rec["name"], rec["uuid"], style)
    for k in ("state", "pid", "domid", "vcpu_tids", "files"):
        if k in rec:
            new[k] = rec[k]
    write(root, "etc/libvirt/qemu/%s.xml" % rec["name"], LD.render(g, "libvirt"), 0o600)
    if rec["state"] == "running":
        write(root, "run/libvirt/qemu/%s.xml" % rec["name"],
              LD.render(g, status_pid=rec["pid"], domid=rec["domid"]), 0o600)
        MCR.write_live_state(root, {"consumers": [new]})
    return new


def kubelet_docs(root):
    k = os.path.join(root, "var/lib/kubelet")
    return {rel: json.load(open(os.path.join(k, rel))) for rel in
            ("cpu_manager_state", "memory_manager_state", "device-plugins/kubelet_internal_checkpoint")}


def write_cpu_state(O, root, doc, entries, default):
    CC, KS, LD, MCR = O
    fmt = "v4" if "data" in doc else "v2"
    text = KS.cpu_manager_state(doc["policyName"], default, entries, fmt=fmt)
    assert all(r[3] for r in KS.verify_doc(json.loads(text))[1])
    write(root, "var/lib/kubelet/cpu_manager_state", text, 0o600)


def write_dev_state(O, root, doc):
    CC, KS, LD, MCR = O
    d = doc["Data"]
    text = KS.device_checkpoint(d["PodDeviceEntries"] or [], d["RegisteredDevices"], doc.get("BootID"))
    assert all(r[3] for r in KS.verify_doc(json.loads(text))[1])
    write(root, "var/lib/kubelet/device-plugins/kubelet_internal_checkpoint", text, 0o600)


def cpu_entries(doc):
    d = json.loads(doc["data"]) if "data" in doc else doc
    return {p: dict(c) for p, c in d["entries"].items()}, d["defaultCpuSet"]


def vf_entry(O, uid, resource, address):
    CC, KS, LD, MCR = O
    return {"PodUID": uid, "ContainerName": "app", "ResourceName": resource, "DeviceIDs": {"0": [address]},
            "AllocResp": KS.alloc_resp([("PCIDEVICE_" + resource.upper().replace(".", "_").replace("/", "_"),
                                         address)], [("/dev/vfio/vfio", "/dev/vfio/vfio")])}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE domain [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<domain type='kvm'>
  <name>&lol9;</name>
  <uuid>00000000-0000-4000-8000-00000000bad1</uuid>
  <description>&xxe;</description>
  <memory unit='KiB'>1048576</memory>
  <vcpu placement='static'>1</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='15'/>
  </cputune>
</domain>
"""


def variants(O):
    """name -> (base seed, what it changes, function(root, expected))."""
    CC, KS, LD, MCR = O

    def vm_pod_cpu(root, e):
        # Pod c9e9… also gets CPU 6, which the running guest instance-000003c4 holds:
        # its checkpoint (checksum recomputed) and its cgroups say so.
        docs = kubelet_docs(root)
        entries, default = cpu_entries(docs["cpu_manager_state"])
        uid = "c9e9c616-612e-4696-a6ce-cc1b78e51061"
        entries[uid]["app"] = "2,6,18"
        write_cpu_state(O, root, docs["cpu_manager_state"], entries, "0-1,7-17,22-31")
        cg = "sys/fs/cgroup/kubepods.slice/kubepods-pod%s.slice" % uid.replace("-", "_")
        for d, _, files in os.walk(os.path.join(root, cg)):
            if "cpuset.cpus.effective" in files:
                write(root, os.path.relpath(os.path.join(d, "cpuset.cpus.effective"), root), "2,6,18\n", 0o444)

    def vf_vm_pod(root, e):
        # Pod 025b… is handed 0000:60:02.7, which the running guest instance-000003c2
        # has as a <hostdev>: the device plugin was configured with Nova's VF pool.
        docs = kubelet_docs(root)
        doc = docs["device-plugins/kubelet_internal_checkpoint"]
        res = "intel.com/intel_sriov_netdevice"
        uid = "025b413f-8a9a-421e-a648-a7dd06839eb9"
        doc["Data"]["PodDeviceEntries"] = [vf_entry(O, uid, res, "0000:60:02.7") if x["PodUID"] == uid else x
                                           for x in doc["Data"]["PodDeviceEntries"]]
        doc["Data"]["RegisteredDevices"][res] = sorted(doc["Data"]["RegisteredDevices"][res] + ["0000:60:02.7"])
        write_dev_state(O, root, doc)

    def two_vms_cpu(root, e):
        # instance-000003c5's vCPU 0 pinned to CPU 10, which instance-000003c3's vCPU 0
        # holds (both running): as a guest fitted without the other's usage would be.
        rec = guest(e, "instance-000003c5")
        rec["decision"]["cells"][0]["pinning"]["0"] = 10
        rewrite_guest(O, root, e, rec)

    def applied_wider(root, e):
        # instance-000003c4's vCPU 2 thread may run anywhere: its pin (CPU 7) is not applied.
        rec = guest(e, "instance-000003c4")
        pid, tid = rec["pid"], rec["vcpu_tids"][2]
        rel = "proc/%d/task/%d/status" % (pid, tid)
        text = open(os.path.join(root, rel)).read().replace("Cpus_allowed_list:\t7\n", "Cpus_allowed_list:\t0-31\n")
        assert "0-31" in text
        write(root, rel, text, 0o444)

    def stale_domain(root, e):
        # instance-000003c4's QEMU is gone (its /proc entry and scope), its domstatus stayed.
        rec = guest(e, "instance-000003c4")
        return ["proc/%d" % rec["pid"], "sys/fs/cgroup/machine.slice/machine-%s.scope"
                % MCR._systemd_escape("qemu-%d-%s" % (rec["domid"], rec["name"]))]

    def leaked_cpus(root, e):
        # seed 3: the pod without a VF is gone (its slice removed), its CPU and memory
        # entries stayed in the checkpoints (kubernetes #109562).
        p = next(c for c in e["consumers"] if c["kind"] == "kubelet" and not c["pci"])
        return ["sys/fs/cgroup/kubepods.slice/kubepods-pod%s.slice" % p["uid"].replace("-", "_")]

    def vf_gone_pod(root, e):
        # A device entry for a pod that exists nowhere else (no cgroup, no CPU or memory
        # entry): 0000:60:0a.5 stays allocated to it.
        docs = kubelet_docs(root)
        doc = docs["device-plugins/kubelet_internal_checkpoint"]
        doc["Data"]["PodDeviceEntries"].append(vf_entry(O, "5f1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b",
                                                        "intel.com/intel_sriov_netdevice", "0000:60:0a.5"))
        write_dev_state(O, root, doc)

    def flip(rel, old, new):
        def f(root, e):
            path = os.path.join(root, rel)
            data = open(path, "rb").read()
            assert data.count(old) >= 1 and len(old) == len(new)
            i = data.index(old)
            changed = data[:i] + new + data[i + len(old):]
            assert sum(a != b for a, b in zip(data, changed)) == 1
            with open(path, "wb") as fh:
                fh.write(changed)
            assert not all(r[3] for r in KS.verify_doc(json.loads(changed))[1])
        return f

    def add_domain(name, text):
        def f(root, e):
            write(root, "etc/libvirt/qemu/%s.xml" % name, text, 0o600)
        return f

    big = ("<domain type='kvm'>\n  <name>instance-big</name>\n  <uuid>00000000-0000-4000-8000-00000000b16a</uuid>\n"
           "  <description>" + "x" * (10 << 20) + "</description>\n  <memory unit='KiB'>1048576</memory>\n"
           "  <vcpu placement='static'>1</vcpu>\n</domain>\n")
    wrong_types = ("<domain type='kvm'>\n  <name>instance-types</name>\n"
                   "  <uuid>00000000-0000-4000-8000-0000000071e5</uuid>\n  <memory unit='KiB'>lots</memory>\n"
                   "  <vcpu placement='static'>two</vcpu>\n  <cputune>\n    <vcpupin vcpu='zero' cpuset='15'/>\n"
                   "    <vcpupin vcpu='1' cpuset='fifteen'/>\n  </cputune>\n</domain>\n")
    missing = ("<domain type='kvm'>\n  <name>instance-missing</name>\n"
               "  <uuid>00000000-0000-4000-8000-0000000a1551</uuid>\n  <memory unit='KiB'>1048576</memory>\n"
               "  <vcpu placement='static'>2</vcpu>\n  <cputune>\n    <vcpupin vcpu='0'/>\n"
               "    <vcpupin cpuset='15'/>\n  </cputune>\n  <devices>\n"
               "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n"
               "        <address domain='0x0000' slot='0x02' function='0x6'/>\n      </source>\n"
               "    </hostdev>\n  </devices>\n</domain>\n")

    def dev_wrong_type(root, e):
        # DeviceIDs as a string instead of {numa: [ids]}.
        path = os.path.join(root, "var/lib/kubelet/device-plugins/kubelet_internal_checkpoint")
        doc = json.load(open(path))
        doc["Data"]["PodDeviceEntries"][0]["DeviceIDs"] = "0000:60:0a.0"
        write(root, "var/lib/kubelet/device-plugins/kubelet_internal_checkpoint",
              json.dumps(doc, separators=(",", ":")), 0o600)

    return {
        "vm-pod-cpu": (1, "CPU 6: guest instance-000003c4 and pod c9e9c616 (conflict)", vm_pod_cpu),
        "vf-vm-pod": (1, "VF 0000:60:02.7: guest instance-000003c2 and pod 025b413f (conflict)", vf_vm_pod),
        "two-vms-cpu": (1, "CPU 10: guests instance-000003c3 and instance-000003c5 (conflict)", two_vms_cpu),
        "applied-wider": (1, "instance-000003c4 vCPU 2 allowed on 0-31, pinned to 7 (drift)", applied_wider),
        "stale-domain": (1, "instance-000003c4's domstatus pid is gone (stale)", stale_domain),
        "leaked-cpus": (3, "the VF-less pod's cgroup is gone, its CPU entry stays (stale)", leaked_cpus),
        "vf-gone-pod": (1, "0000:60:0a.5 held in the device checkpoint by a pod that is gone (stale)",
                        vf_gone_pod),
        "checksum-cpu-v2": (1, "cpu_manager_state v2: one byte of a container name flipped (checksum-mismatch)",
                            flip("var/lib/kubelet/cpu_manager_state", b'"app"', b'"apq"')),
        "checksum-cpu-v4": (3, "cpu_manager_state v4: one byte of data's container name flipped (checksum-mismatch)",
                            flip("var/lib/kubelet/cpu_manager_state", b'\\"app\\"', b'\\"apq\\"')),
        "checksum-device": (1, "kubelet_internal_checkpoint: one byte of an AllocResp flipped (checksum-mismatch)",
                            flip("var/lib/kubelet/device-plugins/kubelet_internal_checkpoint", b'"CjkKKVBD',
                                 b'"CjkKKVBE')),
        "xml-entities": (1, "etc/libvirt/qemu/instance-evil.xml: DTD, billion laughs, external entity "
                            "(invalid-file)", add_domain("instance-evil", BILLION_LAUGHS)),
        "xml-10mb": (1, "etc/libvirt/qemu/instance-big.xml: 10 MiB (invalid-file)", add_domain("instance-big", big)),
        "xml-wrong-types": (1, "etc/libvirt/qemu/instance-types.xml: words where numbers go (invalid-file)",
                            add_domain("instance-types", wrong_types)),
        "xml-missing-attributes": (1, "etc/libvirt/qemu/instance-missing.xml: vcpupin without cpuset/vcpu, "
                                      "hostdev address without bus (invalid-file)",
                                   add_domain("instance-missing", missing)),
        "kubelet-wrong-type": (1, "kubelet_internal_checkpoint: DeviceIDs a string (invalid-file)", dev_wrong_type),
    }


# ----------------------------------------------------------------- round trip ---

def roundtrip_requests(O):
    CC, KS, LD, MCR = O
    R = LD._req
    hand = [
        R(4, 2048, cpu_policy="dedicated", mem_page_size="large", emulator_threads_policy="isolate",
          pci_requests=[{"alias": "vf", "count": 1}]),
        R(6, 4096, cpu_policy="mixed", cpu_dedicated_mask=[1, 2, 3, 4, 5], emulator_threads_policy="share",
          mem_page_size=2048),
        R(8, 8192, cpu_policy="dedicated", numa_nodes=2, cpu_thread_policy="require", mem_page_size="large"),
        R(2, 1024, pci_requests=[{"alias": "vf", "count": 2}]),
        R(4, 2048, numa_nodes=2, mem_page_size="any"),
        R(3, 1024, cpu_policy="dedicated", cpu_thread_policy="prefer", pci_requests=[{"alias": "ve", "count": 1}]),
    ]
    rng = random.Random(11)
    return hand + [MCR.gen_request(rng) for _ in range(4)]


def build_roundtrip(O, restrack, host_path, outdir):
    CC, KS, LD, MCR = O
    host = json.load(open(host_path))
    os.makedirs(outdir, exist_ok=True)
    n = 0
    for req in roundtrip_requests(O):
        rq = os.path.join(outdir, "tmp.request.json")
        with open(rq, "w") as f:
            json.dump(req, f, indent=1, sort_keys=True)
        p = subprocess.run([restrack, "fit", "--host", host_path, "--request", rq], capture_output=True, text=True,
                           check=True)
        dec = json.loads(p.stdout)
        os.unlink(rq)
        if not dec.get("fits"):
            print("roundtrip: restrack does not fit %s: %s" % (req, dec.get("reason")))
            continue
        n += 1
        uid = "00000000-0000-4000-8000-%012d" % n
        name = "instance-%08x" % (0x100 + n)
        style = "interface" if n % 2 == 0 else "hostdev"
        g = LD.guest_config(host, req, dec, uid, name, style)
        texts = {"nova": LD.render(g), "libvirt": LD.render(g, "libvirt")}
        for kind, text in texts.items():
            ok, msg = CC.virt_xml_validate(text)
            bad = CC.check_xml(text, host, req, dec) + ([] if ok else [msg])
            if bad:
                raise SystemExit("roundtrip %02d %s: %s" % (n, kind, bad))
            with open(os.path.join(outdir, "%02d.%s.xml" % (n, kind)), "w") as f:
                f.write(text)
        for what, doc in (("request", req), ("decision", dec)):
            with open(os.path.join(outdir, "%02d.%s.json" % (n, what)), "w") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.write("\n")
    return n


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oracle", required=True, help="the directory of make_consumer_root.py")
    ap.add_argument("--restrack", required=True, help="the built restrack binary (round trip decisions)")
    a = ap.parse_args(argv)
    O = load_oracle(a.oracle)
    CC, KS, LD, MCR = O
    work = tempfile.mkdtemp()
    try:
        base = os.path.join(work, "base")
        unpack_hwloc(base)
        seeds_dir = os.path.join(HERE, "seeds")
        os.makedirs(seeds_dir, exist_ok=True)
        full, exp = {}, {}
        for s in SEEDS:
            root = os.path.join(work, "seed-%d" % s)
            exp[s] = build_seed(O, s, root)
            full[s] = root
            changed, newdirs, removed = overlay(base, root)
            if removed:
                raise SystemExit("seed %d removes %s" % (s, removed))
            with tarfile.open(os.path.join(seeds_dir, "seed-%d.tar.bz2" % s), "w:bz2") as tar:
                for rel in newdirs + changed:
                    tar.add(os.path.join(root, rel), arcname="seed-%d/%s" % (s, rel), recursive=False,
                            filter=normalize)
            # the overlay over a fresh hwloc unpack gives back the same root
            again = os.path.join(work, "again-%d" % s)
            unpack_hwloc(again)
            with tarfile.open(os.path.join(seeds_dir, "seed-%d.tar.bz2" % s)) as tar:
                for m in tar.getmembers():
                    m.name = m.name.split("/", 1)[1]
                    tar.extract(m, again, filter="tar")
            cmp = subprocess.run(["diff", "-r", "--no-dereference", root, again], capture_output=True, text=True)
            if cmp.returncode != 0:
                raise SystemExit("seed %d overlay differs: %s" % (s, cmp.stdout[:2000]))
            bad = CC.compare(CC.discover(again), json.load(open(os.path.join(again, "expected.json")))["consumers"])
            if bad:
                raise SystemExit("seed %d: consumer_check: %s" % (s, bad))
            print("seed %d: %d consumers, overlay of %d paths" % (s, len(exp[s]["consumers"]),
                                                                 len(changed) + len(newdirs)))

        rt = os.path.join(HERE, "roundtrip")
        shutil.rmtree(rt, ignore_errors=True)
        print("roundtrip: %d decisions" % build_roundtrip(O, a.restrack, os.path.join(full[1], "host.json"), rt))
        for name in ("host.json", "nova.conf"):
            shutil.copy(os.path.join(full[1], name), os.path.join(rt, name))

        with tarfile.open(os.path.join(HERE, "variants.tar.bz2"), "w:bz2") as tar:
            for name, (seed, what, fn) in variants(O).items():
                root = os.path.join(work, "variant-" + name)
                shutil.copytree(full[seed], root, symlinks=True)
                e = json.load(open(os.path.join(root, "expected.json")))
                remove = fn(root, e) or []
                for rel in remove:
                    p = os.path.join(root, rel)
                    if not os.path.lexists(p):
                        raise SystemExit("variant %s: nothing at %s" % (name, rel))
                    shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.unlink(p)
                changed, newdirs, removed = overlay(full[seed], root)
                if set(removed) != set(remove):
                    raise SystemExit("variant %s removes %s, meant %s" % (name, removed, remove))
                top = "variants/%s" % name
                add_text(tar, top + "/base", "seed-%d\n" % seed)
                add_text(tar, top + "/what", what + "\n")
                add_text(tar, top + "/remove", "".join(r + "\n" for r in remove))
                for rel in newdirs + changed:
                    tar.add(os.path.join(root, rel), arcname="%s/files/%s" % (top, rel), recursive=False,
                            filter=normalize)
                print("variant %-24s base seed-%d: %d written, %d removed" % (name, seed, len(changed),
                                                                             len(remove)))
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
