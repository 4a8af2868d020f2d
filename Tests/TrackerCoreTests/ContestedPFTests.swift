import Foundation
import Testing
@testable import TrackerCore

private typealias F = FitFixtures

/// PFs that one request could take whole while another takes their VFs
/// ("contested": a PF and its VFs are never both given). Up to 12 the
/// matcher tries every way of settling them; past 12 it tries a bounded
/// number of ways (PCIPools.assignment). Either way a decision must keep the
/// PF⇄VF rule, find the fits Nova finds on such hosts, and say why when the
/// rule is what refuses.
@Suite struct ContestedPFTests {
    /// `pfs` PFs 8086:1592 on node 0, each with `vfsPerPF` VFs 8086:1889.
    static func host(pfs: Int, vfsPerPF: Int = 2) -> HostSnapshot {
        var devices: [PCIDevice] = []
        for p in 0..<pfs {
            let bus = String(0x40 + p, radix: 16)
            let pf = "0000:\(bus):00.0"
            devices.append(PCIDevice(address: pf, vendorID: "8086", productID: "1592", devType: .pf, numaNode: 0))
            for v in 1...vfsPerPF {
                devices.append(PCIDevice(address: "0000:\(bus):00.\(v)", vendorID: "8086", productID: "1889",
                                         devType: .vf, numaNode: 0, parentAddr: pf))
            }
        }
        return F.host([F.cell(0, pcpus: [0, 1, 2, 3], memoryMB: 8192)], devices: devices)
    }

    static func request(pfs: Int, vfs: Int) -> Request {
        var pci: [PCIRequestSpec] = []
        if pfs > 0 { pci.append(PCIRequestSpec(vendorID: "8086", productID: "1592", deviceType: .pf, count: pfs)) }
        if vfs > 0 { pci.append(PCIRequestSpec(vendorID: "8086", productID: "1889", deviceType: .vf, count: vfs)) }
        return F.dedicated(1, memoryMB: 512, pci: pci)
    }

    /// Why `d` breaks the rules on `host`, or nil: every address is a free
    /// device given once, the counts are met, and no PF comes with one of
    /// its own VFs.
    static func violation(_ d: Decision, on host: HostSnapshot, pfs: Int, vfs: Int) -> String? {
        var byAddress: [String: PCIDevice] = [:]
        for dev in host.pciDevices { byAddress[dev.address] = dev }
        let given = d.pciDevices.compactMap { byAddress[$0] }
        if given.count != d.pciDevices.count { return "unknown address in \(d.pciDevices)" }
        if Set(d.pciDevices).count != d.pciDevices.count { return "an address given twice: \(d.pciDevices)" }
        let givenPFs = Set(given.filter { $0.devType == .pf }.map(\.address))
        let givenVFs = given.filter { $0.devType == .vf }
        if givenPFs.count != pfs || givenVFs.count != vfs { return "\(givenPFs.count) PFs and \(givenVFs.count) VFs given" }
        if let vf = givenVFs.first(where: { givenPFs.contains($0.parentAddr ?? "") }) {
            return "PF \(vf.parentAddr ?? "?") given together with its VF \(vf.address)"
        }
        return nil
    }

    /// Every split of PFs and VFs that a host of `n` PFs with two VFs each
    /// can serve fits (p PFs leave n - p PFs, 2(n - p) VFs); one more VF
    /// than that does not, and says the PF⇄VF rule is why.
    @Test(arguments: [12, 13, 20])
    func decisionsKeepThePFVFRuleAndFindEveryFit(pfCount n: Int) {
        let host = Self.host(pfs: n)
        for p in [0, 1, n / 2, n - 1, n] {
            let most = 2 * (n - p)
            for v in Set([0, min(1, most), most / 2, most]) where p + v > 0 {
                let d = Fitter.fit(Self.request(pfs: p, vfs: v), on: host)
                #expect(d.fits, "\(n) PFs: \(p) PFs + \(v) VFs fit (Nova takes them), got \(d.reason ?? "")")
                if d.fits, let why = Self.violation(d, on: host, pfs: p, vfs: v) {
                    Issue.record("\(n) PFs: \(p) PFs + \(v) VFs: \(why)")
                }
            }
            let over = Fitter.fit(Self.request(pfs: p, vfs: most + 1), on: host)
            #expect(!over.fits, "\(n) PFs: \(p) PFs + \(most + 1) VFs cannot fit")
            if p > 0 {
                #expect(over.reason?.contains("a PF and its VFs cannot both be given") == true,
                        "\(n) PFs, \(p) + \(most + 1): \(over.reason ?? "")")
            }
        }
    }

    /// The shipped 512-CPU example: 16 ConnectX-6 PFs with 128 VFs each. PFs
    /// taken whole leave 128 VFs fewer each; the exact edge must hold.
    @Test func sixteenPFExampleHostFindsTheExactEdge() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/hosts/four-socket-512.json")
        let host = try ContractJSON.decode(HostSnapshot.self, from: Data(contentsOf: url), document: "host")
        func request(vfs: Int) -> Request {
            F.dedicated(4, memoryMB: 4096, nodes: 2, pci: [
                PCIRequestSpec(vendorID: "15b3", productID: "101d", deviceType: .pf, count: 3),
                PCIRequestSpec(alias: "cx6-vf", count: vfs),
            ])
        }
        // 3 PFs whole leave 13 × 128 = 1,664 VFs.
        for vfs in [1, 1664] {
            let d = Fitter.fit(request(vfs: vfs), on: host)
            #expect(d.fits, "3 PFs + \(vfs) VFs: \(d.reason ?? "")")
            if d.fits, let why = Self.violation(d, on: host, pfs: 3, vfs: vfs) { Issue.record("3 PFs + \(vfs) VFs: \(why)") }
        }
        let over = Fitter.fit(request(vfs: 1665), on: host)
        #expect(!over.fits)
        #expect(over.reason?.contains("a PF and its VFs cannot both be given") == true, "\(over.reason ?? "")")
    }
}
