import ArgumentParser
import Foundation
import Placement
import TrackerCore

/// `restrack placement show`: the tree Placement holds for this host.
struct PlacementShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the provider tree Placement holds for a host, with inventories and usages.")

    @OptionGroup var placement: PlacementOptions

    @Option(help: "Root provider name (default: this machine's host name).")
    var name: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            try show()
        } catch {
            throw error.reported(json: json)
        }
    }

    private func show() throws(CLIFailure) {
        let endpoint = try placement.endpoint()
        let rootName = name ?? ProcessInfo.processInfo.hostName
        let providers: [ShownProvider]
        do {
            providers = try TreeReader(client: PlacementClient(endpoint: endpoint)).read(name: rootName)
        } catch {
            throw CLIFailure.refused(error.description)
        }
        guard !providers.isEmpty else {
            throw CLIFailure.refused("Placement has no provider named \(SafeText.strip(rootName)); run `restrack placement sync` first")
        }
        if json {
            OutputText.printJSON(["providers": providers])
            return
        }
        var depth: [String: Int] = [:]
        for p in providers {
            let d = p.parentUUID.flatMap { depth[$0] }.map { $0 + 1 } ?? 0
            depth[p.uuid] = d
            let indent = String(repeating: "  ", count: d)
            print(indent + SafeText.strip(p.name) + "  [" + p.traits.map(SafeText.strip).joined(separator: " ") + "]")
            for (rc, inv) in p.inventories.sorted(by: { $0.key < $1.key }) {
                var line = "\(indent)    \(SafeText.strip(rc)): used \(p.usages[rc] ?? 0) of \(inv.total)"
                if inv.reserved > 0 { line += ", reserved \(inv.reserved)" }
                if inv.allocationRatio != 1 { line += ", ratio \(inv.allocationRatio)" }
                if inv.stepSize != 1 { line += ", step \(inv.stepSize)" }
                print(line)
            }
        }
    }
}
