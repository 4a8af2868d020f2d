#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The network interfaces that have an address. IPv6 from
/// `proc/net/if_inet6` (live or captured). IPv4 only on the live host, from
/// `getifaddrs`: the kernel keeps no per-interface IPv4 list in a file
/// (`proc/net/fib_trie` has addresses without interface names, and
/// `proc/net/route` loses an interface's routes when it goes down while its
/// address stays), so on a captured root an IPv4-only interface that is
/// down is not seen as addressed. One that is up is still caught by its
/// `flags`.
struct InterfaceAddresses: Sendable {
    /// Interface names (bytes, as the kernel has them) with an address.
    var names: Set<[UInt8]> = []

    static let ifInet6 = "proc/net/if_inet6"

    static func read(_ files: DeviceUseFiles, notes: inout [String]) -> InterfaceAddresses {
        var result = InterfaceAddresses()
        switch files.bytes(ifInet6, limit: 16 << 20) {
        case .success(let bytes):
            // `ADDRESS IFINDEX PREFIXLEN SCOPE FLAGS NAME`, hex fields.
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                let f = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
                guard f.count == 6, f[0].count == 32 else { continue }
                result.names.insert(Array(f[5]))
            }
        case .failure(.missing):
            // No IPv6 in this kernel (or the capture did not keep it).
            break
        case .failure(let why):
            notes.append("\(files.display(Array(ifInet6.utf8))) \(why.words): IPv6 addresses of host interfaces are not seen")
        }
        if files.isLive { result.names.formUnion(liveIPv4Names()) }
        return result
    }

    /// Interfaces with an IPv4 address on this host.
    private static func liveIPv4Names() -> Set<[UInt8]> {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0 else { return [] }
        defer { freeifaddrs(head) }
        var names: Set<[UInt8]> = []
        var cursor = head
        while let entry = cursor {
            if let addr = entry.pointee.ifa_addr, addr.pointee.sa_family == sa_family_t(AF_INET),
               let name = entry.pointee.ifa_name {
                let bytes = UnsafeRawPointer(name).assumingMemoryBound(to: UInt8.self)
                names.insert(Array(UnsafeBufferPointer(start: bytes, count: strlen(name))))
            }
            cursor = entry.pointee.ifa_next
        }
        return names
    }
}
