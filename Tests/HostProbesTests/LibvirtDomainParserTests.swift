import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// Each generated domain read into what it holds. Expected values come from
/// the generator's inputs (`Fixtures/libvirt/inputs/*.decision.json`) by
/// Nova's rules, not from this reader's output: a pinned vCPU holds its one
/// pCPU, an unpinned one floats over its host cell's shared CPUs (node 0:
/// 0-1,16-17; node 1: 8-9,24-25), guest cell N's memory is on the decision's
/// host cell, pages = cell memory / page size.
@Suite struct LibvirtDomainParserTests {
    static let sharedAll: CPUSet = [0, 1, 8, 9, 16, 17, 24, 25]

    func parse(_ name: String) throws -> LibvirtStateFile {
        try LibvirtDomainParser.parse(Array(try LibvirtTestRoot.fixture(name))).get()
    }

    @Test func novaStyleIsolateEmulatorIsHeldExclusively() throws {
        // isolate.decision.json: host cell 1, pinning 0→10 1→26 2→11 3→27,
        // emulator_cpus [12], 1024 MB; flavor hw:emulator_threads_policy=isolate.
        let file = try parse("nova-isolate.xml")
        #expect(file.domstatus == nil)
        let d = file.domain
        #expect(d.uuid == "efba91fc-8034-48b6-b610-a9f7f9270f4e")
        #expect(d.name == "instance-00000101")
        #expect(d.vcpuCount == 4)
        #expect(d.vcpuPins == [0: [10], 1: [26], 2: [11], 3: [27]])
        #expect(d.emulatorPin == [12])
        #expect(d.iothreadPins == [1: [12]])
        #expect(d.memnodes == [0: [1]])
        #expect(d.nova?.extraSpecs["hw:emulator_threads_policy"] == "isolate")
        #expect(d.nova?.flavor == "restrack.flavor")
        #expect(d.nova?.project == "restrack")
        #expect(d.nova?.instanceName == "instance-00000101")
        let r = LibvirtResources(d)
        #expect(r.exclusiveCPUs == [10, 11, 12, 26, 27])
        #expect(r.emulatorCPUs == [12])
        #expect(r.floatingCPUs == nil)
        #expect(r.memoryMBPerNode == [1: 1024])
        #expect(r.pages.isEmpty)
    }

    @Test func pageNodesetListsGuestCellsNotHostNodes() throws {
        // mixed-hugepages.decision.json: guest cell 0 on host cell 1, 4096 MB
        // of 2 MiB pages; pinning 0→10 2→26 3→11, vCPU 1 floats on node 1's
        // shared CPUs; emulator policy share = all shared CPUs. The page
        // element says nodeset='0' (guest cell 0): the pages are on node 1.
        let d = try parse("nova-mixed-hugepages.xml").domain
        let r = LibvirtResources(d)
        #expect(d.vcpuPins == [0: [10], 1: [8, 9, 24, 25], 2: [26], 3: [11]])
        #expect(r.exclusiveCPUs == [10, 11, 26])
        #expect(r.floatingCPUs == [8, 9, 24, 25])
        #expect(r.emulatorCPUs == Self.sharedAll)
        #expect(r.memoryMBPerNode == [1: 4096])
        #expect(r.pages == [HeldPages(node: 1, sizeKB: 2048, count: 4096 * 1024 / 2048)])
    }

    @Test func domstatusGivesPidAndVCPUThreads() throws {
        // --status 5200: vCPU threads are PID+6.. (libvirt_domain.py).
        let file = try parse("status-hugepages-2cells.xml")
        #expect(file.domstatus == LibvirtDomstatus(pid: 5200, state: "running", vcpuThreads: [0: 5206, 1: 5207, 2: 5208, 3: 5209]))
        #expect(file.domain.domainID == 4)
        // hugepages-2cells.decision.json: guest cells 0,1 on host cells 0,1,
        // 1024 MB each, 2 MiB pages, no pinning (floating per cell).
        let r = LibvirtResources(file.domain)
        #expect(file.domain.vcpuPins == [0: [0, 1, 16, 17], 1: [0, 1, 16, 17], 2: [8, 9, 24, 25], 3: [8, 9, 24, 25]])
        #expect(r.exclusiveCPUs.isEmpty)
        #expect(r.floatingCPUs == Self.sharedAll)
        #expect(r.memoryMBPerNode == [0: 1024, 1: 1024])
        #expect(r.pages == [HeldPages(node: 0, sizeKB: 2048, count: 512), HeldPages(node: 1, sizeKB: 2048, count: 512)])
    }

    @Test func interfaceAndHostdevGiveTheSourceAddressNotTheGuestSlot() throws {
        // dedicated-2cells-vf.decision.json: pci_devices ["0000:60:02.6"];
        // the libvirt style also carries the guest-side <address bus='0x00'
        // slot='0x05'>, which is not a host device.
        let asInterface = try parse("libvirt-dedicated-2cells-interface.xml").domain
        let asHostdev = try parse("libvirt-dedicated-2cells-hostdev.xml").domain
        #expect(asInterface.pci == [LibvirtDomain.PCI(address: "0000:60:02.6", asInterface: true)])
        #expect(asHostdev.pci == [LibvirtDomain.PCI(address: "0000:60:02.6", asInterface: false)])
        let r = LibvirtResources(asInterface)
        // pinning 0→5 1→21 (cell 0), 2→11 3→27 (cell 1); share policy: the
        // emulator runs on the shared CPUs and holds none exclusively.
        #expect(r.exclusiveCPUs == [5, 11, 21, 27])
        #expect(r.emulatorCPUs == Self.sharedAll)
        #expect(r.pages == [HeldPages(node: 0, sizeKB: 2048, count: 512), HeldPages(node: 1, sizeKB: 2048, count: 512)])
    }

    @Test func guestWithoutNUMATopologyFloatsOverItsVCPUCpuset() throws {
        // floating-interface.decision.json: no cells; pci_devices
        // 0000:60:02.7 (a VF, as a Neutron port) and 0000:1c:00.0 (a VE card).
        let d = try parse("status-floating-interface.xml").domain
        let r = LibvirtResources(d)
        #expect(d.vcpuPins.isEmpty)
        #expect(r.exclusiveCPUs.isEmpty)
        #expect(r.floatingCPUs == Self.sharedAll)
        #expect(r.emulatorCPUs == Self.sharedAll)
        #expect(r.memoryMBPerNode.isEmpty)
        #expect(r.pages.isEmpty)
        #expect(Set(d.pci) == [LibvirtDomain.PCI(address: "0000:60:02.7", asInterface: true),
                               LibvirtDomain.PCI(address: "0000:1c:00.0", asInterface: false)])
    }

    @Test func novaMetadataIsFoundWhateverItsPrefix() throws {
        let text = String(decoding: try LibvirtTestRoot.fixture("nova-isolate.xml"), as: UTF8.self)
            .replacingOccurrences(of: "nova:", with: "n1:").replacingOccurrences(of: "xmlns:nova=", with: "xmlns:n1=")
        let d = try LibvirtDomainParser.parse(Array(text.utf8)).get().domain
        #expect(d.nova?.extraSpecs["hw:emulator_threads_policy"] == "isolate")
        #expect(d.nova?.project == "restrack")
        // Same local names in another namespace are not Nova's.
        let other = text.replacingOccurrences(of: "http://openstack.org/xmlns/libvirt/nova/1.1", with: "urn:other")
        #expect(try LibvirtDomainParser.parse(Array(other.utf8)).get().domain.nova == nil)
    }

    @Test func pciAddressesAreLowercaseAndZeroPadded() throws {
        let a = LibvirtXMLNode(name: "address", attributes: ["domain": "0x0000", "bus": "0xAF", "slot": "0x1", "function": "0x7"])
        #expect(try LibvirtDomainParser.pciAddress(a, in: "hostdev") == "0000:af:01.7")
        let decimal = LibvirtXMLNode(name: "address", attributes: ["domain": "0", "bus": "96", "slot": "2", "function": "1"])
        #expect(try LibvirtDomainParser.pciAddress(decimal, in: "hostdev") == "0000:60:02.1")
    }

    @Test func memoryUnitsFollowLibvirt() {
        #expect(LibvirtSize.kib("4194304", unit: nil) == 4_194_304)
        #expect(LibvirtSize.kib("4", unit: "GiB") == 4_194_304)
        #expect(LibvirtSize.kib("1000000", unit: "KB") == 976_562)
        #expect(LibvirtSize.kib("1", unit: "furlong") == nil)
        #expect(LibvirtSize.kib("-1", unit: "KiB") == nil)
        #expect(LibvirtSize.kib("9223372036854775807", unit: "GiB") == nil)
    }
}
