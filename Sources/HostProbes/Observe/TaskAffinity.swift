#if canImport(Glibc)
import Glibc
#endif
import CNuma
import TrackerCore

/// Where a task's allowed CPUs come from. On the live host one
/// `sched_getaffinity(tid)` syscall answers without opening a file (any
/// user may ask it about any task); a captured root has only the
/// `Cpus_allowed_list` line of each `status` file.
enum TaskAffinity {
    /// Mask words for the live syscall; grown when the kernel says the
    /// buffer is smaller than its CPU count (EINVAL).
    struct Buffer {
        var words = [UInt64](repeating: 0, count: 16)
    }

    enum Outcome {
        case mask
        case failed(TaskFiles.Failure)
    }

    /// Fills `buffer` with `tid`'s mask. ESRCH: the task exited.
    static func live(_ tid: Int32, into buffer: inout Buffer) -> Outcome {
        while true {
            let bits = UInt(buffer.words.count * 64)
            // libnuma's wrapper is the raw syscall (Glibc's own is not
            // exported to Swift): it returns the bytes the kernel wrote and
            // leaves the rest of the buffer as it was.
            let written = buffer.words.withUnsafeMutableBufferPointer { words -> Int32 in
                guard let base = words.baseAddress else { return -1 }
                var mask = bitmask(size: bits, maskp: UnsafeMutableRawPointer(base).assumingMemoryBound(to: UInt.self))
                return numa_sched_getaffinity(pid_t(tid), &mask)
            }
            if written >= 0 {
                for i in (Int(written) + 7) / 8..<buffer.words.count { buffer.words[i] = 0 }
                return .mask
            }
            let e = errno
            // The kernel wants room for all its possible CPUs (nr_cpu_ids);
            // CPUSet stops at 65,536.
            if e == EINVAL, buffer.words.count < (CPUSet.maxCPUId + 1) / 64 {
                buffer.words = [UInt64](repeating: 0, count: buffer.words.count * 2)
                continue
            }
            return .failed(.errno(e))
        }
    }

    static let statusKey = Array("Cpus_allowed_list:".utf8)

    /// The CPUs of the `Cpus_allowed_list:` line of a `status` file, or nil
    /// when there is no such line or it is not a CPU list.
    static func fromStatus(_ bytes: [UInt8]) -> CPUSet? {
        var lineStart = 0
        while lineStart < bytes.count {
            var end = lineStart
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if end - lineStart >= statusKey.count, bytes[lineStart..<(lineStart + statusKey.count)].elementsEqual(statusKey) {
                let value = bytes[(lineStart + statusKey.count)..<end]
                guard value.allSatisfy({ $0 < 0x80 }) else { return nil }
                let text = String(decoding: value, as: UTF8.self)
                guard let set = try? CPUSet(cpulist: text), !set.isEmpty else { return nil }
                return set
            }
            lineStart = end + 1
        }
        return nil
    }
}
