#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `*.xml` names in one of libvirt's state directories
/// (`etc/libvirt/qemu`, `run/libvirt/qemu`), sorted; subdirectories
/// (`autostart/`, `networks/`) and other files are not domains.
enum LibvirtStateDirectory {
    enum Listing {
        case names([String])
        /// No such directory: libvirt is not on this host (or not run yet).
        case absent
        case failed(Int32)
    }

    static func list(_ path: String) -> Listing {
        guard let dir = opendir(path) else {
            let e = errno
            return e == ENOENT || e == ENOTDIR ? .absent : .failed(e)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasSuffix(".xml"), name.count > 4 { names.append(name) }
        }
        return .names(names.sorted())
    }
}
