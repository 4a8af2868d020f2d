/// The fields of `/proc/PID/stat` the task scanner needs: the command name
/// (field 2), state (3), parent pid (4) and flags (9).
struct TaskStat: Equatable, Sendable {
    /// Raw `comm` bytes: up to 15 bytes of anything the process chose.
    var comm: [UInt8]
    var state: UInt8
    var ppid: Int32
    var flags: UInt64

    /// `PF_KTHREAD` in `include/linux/sched.h`.
    static let kthreadFlag: UInt64 = 0x0020_0000
    /// kthreadd, the parent of every kernel thread.
    static let kthreadd: Int32 = 2

    /// Kernel threads (per-CPU kworkers, ksoftirqd, migration) are pinned
    /// by design and hold nothing a guest could have: never holders.
    func isKernelThread(pid: Int32) -> Bool {
        flags & Self.kthreadFlag != 0 || ppid == Self.kthreadd || pid == Self.kthreadd
    }

    /// A zombie or dead task runs nowhere.
    var hasExited: Bool { state == UInt8(ascii: "Z") || state == UInt8(ascii: "X") }

    /// Parses the bytes of a stat file, or nil when they are not in its
    /// format. `comm` may hold spaces and parentheses itself, so it runs
    /// from the first '(' to the last ')' and fields count from there.
    init?(_ bytes: [UInt8]) {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open else { return nil }
        comm = Array(bytes[(open + 1)..<close])
        // Fields 3… after ") ": state, ppid, pgrp, session, tty_nr, tpgid, flags.
        var fields: [ArraySlice<UInt8>] = []
        var i = close + 1
        while fields.count < 7, i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 { i += 1 }
            let start = i
            while i < bytes.count, bytes[i] != 0x20, bytes[i] != 0x0A { i += 1 }
            if i > start { fields.append(bytes[start..<i]) } else { break }
        }
        guard fields.count == 7, fields[0].count == 1, let s = fields[0].first, s >= 0x41, s <= 0x7A,
              let ppid = Self.decimal(fields[1]), ppid <= Int64(Int32.max),
              let flags = Self.decimal(fields[6]) else { return nil }
        state = s
        self.ppid = Int32(ppid)
        self.flags = UInt64(flags)
    }

    /// A non-negative decimal of at most 18 digits, or nil.
    static func decimal(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var v: Int64 = 0
        for b in digits {
            guard b >= 0x30, b <= 0x39 else { return nil }
            v = v * 10 + Int64(b - 0x30)
        }
        return v
    }
}
