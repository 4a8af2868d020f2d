import ArgumentParser
import Foundation
import HostProbes
import Placement
import TrackerCore

/// `restrack placement audit`: on a host Nova reports, compare Nova's
/// allocations in Placement with the libvirt domains restrack finds. Read-only.
struct PlacementAuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Compare Nova's allocations for this host with its libvirt domains (read-only).",
        discussion: """
            Finds Nova's compute node provider (OWNER_NOVA) named as the hypervisor, every consumer holding \
            resources in its tree, and the running and defined libvirt domains. Reports orphaned allocations \
            (a consumer without a domain; migrations excepted), unallocated domains (a domain holding nothing) \
            and PCPU or MEMORY_MB allocations that differ from a domain's pinned CPUs or memory. Exit 0 \
            with findings; 1 when Placement fails or the provider is not Nova's.
            """)

    @OptionGroup var placement: PlacementOptions
    @OptionGroup var source: HostSourceOptions

    @Option(help: "The compute node provider's name (default: the host name).")
    var name: String?

    @Option(name: .customLong("libvirt-root"),
            help: "Read libvirt's files (etc/libvirt/qemu, run/libvirt/qemu) under DIR (default: --root, else /).",
            completion: .directory)
    var libvirtRoot: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            try audit()
        } catch {
            throw error.reported(json: json)
        }
    }

    private func audit() throws(CLIFailure) {
        let endpoint = try placement.endpoint()
        let snapshot = try source.loadSnapshot()
        let domains = LibvirtProbe(root: libvirtRoot ?? source.root).read(snapshot: snapshot).holders
        let report: AuditReport
        do {
            report = try NovaAudit(client: PlacementClient(endpoint: endpoint))
                .run(nodename: name ?? snapshot.hostname, domains: domains)
        } catch {
            throw CLIFailure.refused(error.description)
        }
        if json {
            OutputText.printJSON(report)
            return
        }
        print("\(SafeText.strip(report.computeNode)) (\(report.computeNodeUUID)): \(report.consumers) consumers, "
              + "\(report.domains) domains, \(report.findings.count) findings")
        for f in report.findings { print("\(f.kind.rawValue)  \(SafeText.strip(f.detail))") }
    }
}
