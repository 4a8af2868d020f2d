extension HostMetrics {
    /// Per PF: its VFs by what became of them; per device in use: one info
    /// series naming its driver and who holds it. Free VFs get no series of
    /// their own, so a host with thousands of VFs stays a few dozen series.
    static func deviceFamilies(_ state: HostState, scrape: Scrape) -> [MetricFamily] {
        let pf = ["pf"]
        var capacity = MetricFamily(name: "restrack_pf_vfs_capacity",
                                    help: "VFs the PF can have (sriov_totalvfs; only where read).", labelNames: pf)
        var configured = MetricFamily(name: "restrack_pf_vfs_configured",
                                      help: "VFs of the PF the host lists (enabled, sriov_numvfs).", labelNames: pf)
        var claimed = MetricFamily(name: "restrack_pf_vfs_claimed",
                                   help: "VFs of the PF held by live restrack claims.", labelNames: pf)
        var others = MetricFamily(name: "restrack_pf_vfs_held_by_others",
                                  help: "VFs of the PF that no claim holds but a process or the host uses.", labelNames: pf)
        var free = MetricFamily(name: "restrack_pf_vfs_free",
                                help: "VFs of the PF a new claim could still take.", labelNames: pf)
        var vfs: [String: [PCIDevice]] = [:]
        for d in state.snapshot.pciDevices where d.devType == .vf {
            if let parent = d.parentAddr { vfs[parent, default: []].append(d) }
        }
        var status: [String: PCIDeviceStatus] = [:]
        for d in state.effective.pciDevices { status[d.address] = d.status }
        for device in state.snapshot.pciDevices where device.devType == .pf {
            let l = [device.address]
            let children = vfs[device.address] ?? []
            if let total = device.sriovTotalVFs { capacity.add(total, l) }
            configured.add(children.count, l)
            claimed.add(children.filter { state.pciOwners[$0.address] != nil }.count, l)
            others.add(children.filter { state.pciOwners[$0.address] == nil && state.deviceBlockers[$0.address] != nil }.count, l)
            free.add(children.filter { status[$0.address] == .available }.count, l)
        }
        return [capacity, configured, claimed, others, free, inUseFamily(state, scrape: scrape)]
    }

    /// `restrack_device_in_use_info`: one series per device and kind of
    /// holder (two when a claim and another holder both hold it: a conflict).
    static func inUseFamily(_ state: HostState, scrape: Scrape) -> MetricFamily {
        var names = ["address", "driver", "holder_kind"]
        if scrape.consumerLabels { names.append("consumer") }
        var info = MetricFamily(name: "restrack_device_in_use_info",
                                help: "1 for each PCI device a claim or another holder holds, with its driver and the kind of holder.",
                                labelNames: names)
        var devices: [String: PCIDevice] = [:]
        for d in state.snapshot.pciDevices { devices[d.address] = d }
        var consumers: [String: String] = [:]
        for claim in state.claims { consumers[claim.id] = claim.consumer.name }
        var seen = Set<[String]>()
        func add(_ address: String, kind: String, consumer: String) {
            let driver = devices[address]?.driver.map(SafeText.strip) ?? ""
            var l = [address, driver, kind]
            if scrape.consumerLabels { l.append(ConsumerLabel.value(consumer)) }
            if seen.insert(l).inserted { info.add(1, l) }
        }
        for (address, id) in state.pciOwners.sorted(by: { $0.key < $1.key }) {
            add(address, kind: HolderKind.restrack.rawValue, consumer: consumers[id] ?? "")
        }
        for holder in state.holders where holder.kind != .restrack {
            for address in holder.pciDevices.sorted() where devices[address] != nil {
                add(address, kind: holder.kind.rawValue, consumer: "")
            }
        }
        return info
    }
}
