/// Huge pages a process has on each host node, from `proc/PID/numa_maps`:
/// a mapping backed by huge pages (hugetlbfs, marked `huge`) says
/// `kernelpagesize_kB=SIZE` above 4, and `N<node>=<pages>` counts its pages
/// resident on each node in that size. QEMU's guest memory with
/// `<hugepages>` is such a mapping; transparent huge pages are not (their
/// mapping's page size stays 4 kB).
enum LibvirtNumaMaps {
    /// Node → page size in KiB → pages.
    static func hugePages(_ bytes: [UInt8]) -> [Int: [Int: Int]] {
        var out: [Int: [Int: Int]] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") {
            let tokens = line.split(separator: " ")
            var size = 0
            var perNode: [(Int, Int)] = []
            for t in tokens {
                if t.hasPrefix("kernelpagesize_kB="), let s = Int(t.dropFirst("kernelpagesize_kB=".count)) { size = s }
                if t.first == "N", let eq = t.firstIndex(of: "="),
                   let node = Int(t[t.index(after: t.startIndex)..<eq]), let pages = Int(t[t.index(after: eq)...]),
                   node >= 0, node < 1 << 16, pages > 0, pages < 1 << 40 {
                    perNode.append((node, pages))
                }
            }
            guard size > 4 else { continue }
            for (node, pages) in perNode { out[node, default: [:]][size, default: 0] += pages }
        }
        return out
    }
}
