import Foundation
import TrackerCore

/// Plain-text output helpers. Strings from users or the host (consumer
/// names, notes, reasons, addresses) go through `SafeText.strip` first.
enum OutputText {
    /// One line of what a claim holds: "cell 0: CPUs 2-3, 512×2M pages; PCI 0000:3b:01.0".
    static func holding(_ usage: ClaimUsage) -> String {
        var parts: [String] = []
        for c in usage.cells {
            var bits: [String] = []
            if !c.pinnedCPUs.isEmpty { bits.append("CPUs \(c.pinnedCPUs.cpulist)") }
            if c.sharedVCPUs > 0 { bits.append("\(c.sharedVCPUs) shared vCPUs") }
            if let size = c.pageSizeKB, c.pages > 0 { bits.append("\(c.pages)×\(PageSizeText.short(kb: size)) pages") }
            parts.append("cell \(c.hostCell): " + (bits.isEmpty ? "\(c.memoryMB) MiB" : bits.joined(separator: ", ")))
        }
        if usage.floatingVCPUs > 0 || usage.floatingMemoryMB > 0 {
            parts.append("floating: \(usage.floatingVCPUs) vCPUs, \(usage.floatingMemoryMB) MiB")
        }
        if !usage.pciDevices.isEmpty { parts.append("PCI " + usage.pciDevices.joined(separator: ",")) }
        return parts.joined(separator: "; ")
    }

    static func printJSON<T: Encodable>(_ value: T) {
        print(ContractJSON.encode(value))
    }
}
