#if canImport(Glibc)
import Glibc
#endif
import Foundation

extension HostCapture {
    /// Copies single files and links from the source root into the
    /// destination, creating parent directories; a source file that is
    /// missing, not regular or unreadable is skipped and counted.
    struct Writer {
        let source: SysfsReader
        let destination: String
        var summary = Summary()
        private var buffer: [UInt8] = []
        private var made: Set<String> = []

        init(source: SysfsReader, destination: String) {
            self.source = source
            self.destination = destination
        }

        private func target(_ relative: String) -> String { destination + "/" + relative }

        mutating func directory(_ relative: String) {
            guard !made.contains(relative) else { return }
            try? FileManager.default.createDirectory(atPath: target(relative), withIntermediateDirectories: true)
            made.insert(relative)
        }

        private mutating func parent(_ relative: String) {
            if let slash = relative.lastIndex(of: "/") { directory(String(relative[..<slash])) }
        }

        /// Copies a regular file; absent files (old kernels, no SR-IOV) are
        /// not counted as skipped, unreadable ones are. True when copied.
        @discardableResult
        mutating func copy(_ relative: String) -> Bool {
            switch RegularFileRead(reader: source).read(relative, into: &buffer, limit: HostCapture.fileLimit) {
            case .failure(.missing):
                return false
            case .failure:
                summary.skipped += 1
                return false
            case .success(let count):
                parent(relative)
                let data = buffer.withUnsafeBufferPointer { Data(buffer: UnsafeBufferPointer(rebasing: $0[0..<count])) }
                if FileManager.default.createFile(atPath: target(relative), contents: data) {
                    summary.files += 1
                    return true
                }
                summary.skipped += 1
                return false
            }
        }

        /// An empty regular file where the source has one that is not read
        /// (a write-only attribute, whose presence is what tells).
        mutating func emptyFile(_ relative: String) {
            parent(relative)
            if FileManager.default.createFile(atPath: target(relative), contents: Data()) {
                summary.files += 1
            } else {
                summary.skipped += 1
            }
        }

        /// Recreates a symlink with its target text as written.
        mutating func link(_ relative: String, target text: String? = nil) {
            guard source.isSymlink(relative), let text = text ?? source.linkTarget(relative) else { return }
            parent(relative)
            if (try? FileManager.default.createSymbolicLink(atPath: target(relative), withDestinationPath: text)) != nil {
                summary.links += 1
            } else {
                summary.skipped += 1
            }
        }

        /// Recreates a link and the directory it points to (resolved within
        /// the root, as `sys/class/*` and `sys/bus/*/devices` links are
        /// relative); returns that directory's root-relative path, nil when
        /// the entry is not a link to a directory inside the root.
        mutating func copyLinkAndTarget(_ relative: String) -> String? {
            guard let text = source.linkTarget(relative), !text.hasPrefix("/"),
                  let resolved = Self.resolve(text, from: relative), source.isDirectory(resolved) else { return nil }
            link(relative, target: text)
            directory(resolved)
            return resolved
        }

        /// `../../devices/x` seen from `sys/class/net/eth0` → `sys/devices/x`;
        /// nil when it climbs out of the root.
        static func resolve(_ target: String, from relative: String) -> String? {
            var parts = relative.split(separator: "/").dropLast().map(String.init)
            for part in target.split(separator: "/") {
                if part == "." { continue }
                if part == ".." {
                    if parts.isEmpty { return nil }
                    parts.removeLast()
                } else {
                    parts.append(String(part))
                }
            }
            return parts.isEmpty ? nil : parts.joined(separator: "/")
        }
    }
}
