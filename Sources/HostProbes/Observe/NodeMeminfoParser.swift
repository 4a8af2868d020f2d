import TrackerCore

/// `sys/devices/system/node/nodeN/meminfo` ("Node 0 MemTotal:  9005268 kB")
/// → the node's memory in MiB. Garbage is a problem in words, never a crash
/// and never a made-up value.
enum NodeMeminfoParser {
    enum Outcome: Equatable {
        case memory(NodeMemory)
        case problem(String)
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Outcome {
        var total: Int?
        var free: Int?
        var used: Int?
        var i = 0
        let n = bytes.count
        while i < n {
            var end = i
            while end < n, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let fields = tokens(bytes, i, end, max: 4)
            i = end + 1
            // "Node", id, "MemTotal:", value ["kB"]
            guard fields.count >= 4 else { continue }
            let key = fields[2]
            let isTotal = key.elementsEqual("MemTotal:".utf8)
            let isFree = key.elementsEqual("MemFree:".utf8)
            guard isTotal || isFree || key.elementsEqual("MemUsed:".utf8) else { continue }
            guard let kb = kilobytes(fields[3]) else {
                return .problem("has '\(SafeText.decode(Array(fields[3])))' for \(String(decoding: key, as: UTF8.self)) "
                                + "where a number of kB belongs")
            }
            if isTotal { total = kb } else if isFree { free = kb } else { used = kb }
        }
        guard let total else { return .problem("has no MemTotal line") }
        guard let free else { return .problem("has no MemFree line") }
        guard free <= total else { return .problem("says MemFree \(free) kB is more than MemTotal \(total) kB") }
        let usedKB = used.flatMap { $0 <= total ? $0 : nil } ?? total - free
        return .memory(NodeMemory(totalMB: total / 1024, freeMB: free / 1024, usedMB: usedKB / 1024))
    }

    /// The first `max` whitespace-separated tokens of bytes[start..<end].
    private static func tokens(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, max: Int) -> [ArraySlice<UInt8>] {
        var out: [ArraySlice<UInt8>] = []
        var k = start
        while k < end, out.count < max {
            while k < end, bytes[k] == UInt8(ascii: " ") || bytes[k] == UInt8(ascii: "\t") { k += 1 }
            let s = k
            while k < end, bytes[k] != UInt8(ascii: " "), bytes[k] != UInt8(ascii: "\t") { k += 1 }
            if k > s { out.append(ArraySlice(bytes[s..<k])) }
        }
        return out
    }

    /// A non-negative decimal count of kB that fits an Int with room for
    /// the MiB arithmetic.
    private static func kilobytes(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18,
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
