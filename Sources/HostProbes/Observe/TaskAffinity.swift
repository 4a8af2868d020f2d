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

    /// Fills `buffer` with the CPUs of the `Cpus_allowed_list:` line in the
    /// first `count` bytes of a `status` file; false when there is no such
    /// line or it is not a non-empty cpulist (`0-3,8`) of ids up to
    /// `CPUSet.maxCPUId`. Read on bytes: a captured root has a status file
    /// per thread, and this runs for each.
    static func fromStatus(_ bytes: [UInt8], count: Int, into buffer: inout Buffer) -> Bool {
        guard let range = bytes.withUnsafeBufferPointer({ statusValue($0, count: count) }) else { return false }
        return cpulist(bytes, range, into: &buffer)
    }

    /// Fills `buffer` with the CPUs of the cpulist in `bytes[range]`
    /// (blanks around it allowed); false when it is not a non-empty cpulist
    /// of ids up to `CPUSet.maxCPUId`. What it accepts, `CPUSet(cpulist:)`
    /// reads as the same set.
    static func cpulist(_ bytes: [UInt8], _ range: Range<Int>, into buffer: inout Buffer) -> Bool {
        for i in 0..<buffer.words.count { buffer.words[i] = 0 }
        var i = range.lowerBound
        let end = range.upperBound
        var any = false
        func number() -> Int? {
            var v = 0, digits = 0
            while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                v = v * 10 + Int(bytes[i] - 0x30)
                digits += 1
                i += 1
                if v > CPUSet.maxCPUId { return nil }
            }
            return digits > 0 ? v : nil
        }
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        while true {
            guard let lo = number() else { return false }
            var hi = lo
            if i < end, bytes[i] == UInt8(ascii: "-") {
                i += 1
                guard let h = number(), h >= lo else { return false }
                hi = h
            }
            buffer.insert(lo...hi)
            any = true
            if i < end, bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            while i < end, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D { i += 1 }
            return i == end && any
        }
    }

    /// The byte range of the `Cpus_allowed_list:` line's value.
    private static func statusValue(_ b: UnsafeBufferPointer<UInt8>, count: Int) -> Range<Int>? {
        let key = statusKey
        var lineStart = 0
        while lineStart < count {
            var end = lineStart
            while end < count, b[end] != 0x0A { end += 1 }
            if end - lineStart >= key.count, b[lineStart] == key[0] {
                var match = true
                for k in 1..<key.count where b[lineStart + k] != key[k] {
                    match = false
                    break
                }
                if match { return (lineStart + key.count)..<end }
            }
            lineStart = end + 1
        }
        return nil
    }
}

extension TaskAffinity.Buffer {
    /// Sets the bits of `cpus`, growing the words as needed.
    mutating func insert(_ cpus: ClosedRange<Int>) {
        let lastWord = cpus.upperBound >> 6
        if lastWord >= words.count { words.append(contentsOf: repeatElement(0, count: lastWord + 1 - words.count)) }
        for w in (cpus.lowerBound >> 6)...lastWord {
            let from = w == cpus.lowerBound >> 6 ? cpus.lowerBound & 63 : 0
            let to = w == lastWord ? cpus.upperBound & 63 : 63
            let width = to - from + 1
            let mask: UInt64 = width == 64 ? ~0 : ((UInt64(1) << UInt64(width)) - 1) << UInt64(from)
            words[w] |= mask
        }
    }
}
