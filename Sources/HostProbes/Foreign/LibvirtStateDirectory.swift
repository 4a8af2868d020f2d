#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `*.xml` names in one of libvirt's state directories
/// (`etc/libvirt/qemu`, `run/libvirt/qemu`), sorted; other names
/// (`autostart/`, `networks/`) are not domains. At most `limit` names are
/// kept, in directory order, so a directory of millions costs no memory;
/// the rest are only counted.
enum LibvirtStateDirectory {
    enum Listing {
        case names([String], total: Int)
        /// No such directory: libvirt is not on this host (or not run yet).
        case absent
        case failed(Int32)
    }

    static func list(_ path: String, limit: Int) -> Listing {
        guard let dir = opendir(path) else {
            let e = errno
            return e == ENOENT || e == ENOTDIR ? .absent : .failed(e)
        }
        defer { closedir(dir) }
        var names: [String] = [], total = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(".xml"), name.count > 4 else { continue }
            total += 1
            if names.count < limit { names.append(name) }
        }
        return .names(names.sorted(), total: total)
    }
}
