/// A set of host or guest CPU ids, stored as a bitset so the fitter can
/// intersect and count cheaply on 512-CPU hosts.
///
/// Parses and prints Linux cpulist syntax (`0-3,8,10-11`, as in
/// `/sys/devices/system/cpu/online`) and Nova's cpu spec syntax
/// (`4-12,^8,15`, as in `[compute] cpu_dedicated_set`). Encodes to JSON as a
/// sorted array of integers, as the fit contract writes CPU lists.
public struct CPUSet: Hashable, Sendable {
    // Bit `i % 64` of word `i / 64` is CPU `i`. Words 0 and 1 (CPUs
    // 0–127, every cell of the generated corpora but the largest) are kept
    // inline and only words 2… in an array: a batch of fits reads and
    // builds tens of thousands of small sets (sibling pairs, free CPUs per
    // cell), and one heap buffer each was a third of its allocations.
    // `more` has no trailing zero words, so equal sets compare equal.
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var more: [UInt64] = []

    public init() {}

    public init<S: Sequence>(_ cpus: S) where S.Element == Int {
        for cpu in cpus { insert(cpu) }
    }

    /// Number of words up to the last non-zero one.
    private var wordCount: Int {
        if !more.isEmpty { return 2 + more.count }
        return w1 != 0 ? 2 : (w0 != 0 ? 1 : 0)
    }

    private func word(_ i: Int) -> UInt64 {
        switch i {
        case 0: return w0
        case 1: return w1
        default: return i - 2 < more.count ? more[i - 2] : 0
        }
    }

    public var isEmpty: Bool { w0 == 0 && w1 == 0 && more.isEmpty }

    public var count: Int {
        w0.nonzeroBitCount + w1.nonzeroBitCount + more.reduce(0) { $0 + $1.nonzeroBitCount }
    }

    /// The largest CPU id, or nil when empty.
    public var max: Int? {
        let n = wordCount
        guard n > 0 else { return nil }
        return (n - 1) * 64 + (63 - word(n - 1).leadingZeroBitCount)
    }

    public var min: Int? {
        if w0 != 0 { return w0.trailingZeroBitCount }
        if w1 != 0 { return 64 + w1.trailingZeroBitCount }
        for (i, w) in more.enumerated() where w != 0 {
            return (i + 2) * 64 + w.trailingZeroBitCount
        }
        return nil
    }

    public func contains(_ cpu: Int) -> Bool {
        guard cpu >= 0 else { return false }
        return (word(cpu >> 6) >> UInt64(cpu & 63)) & 1 == 1
    }

    /// Inserts `cpu`; negative ids are ignored (they cannot name a CPU).
    /// The inline words are set in place; the fitter inserts CPU by CPU.
    @discardableResult @inline(__always)
    public mutating func insert(_ cpu: Int) -> Bool {
        let bit = UInt64(1) << UInt64(cpu & 63)
        switch cpu >> 6 {
        case 0 where cpu >= 0:
            defer { w0 |= bit }
            return w0 & bit == 0
        case 1:
            defer { w1 |= bit }
            return w1 & bit == 0
        default:
            return insertAbove(cpu)
        }
    }

    /// `insert` for CPUs from 128 up (and negative ids, ignored).
    private mutating func insertAbove(_ cpu: Int) -> Bool {
        guard cpu >= 0 else { return false }
        let k = (cpu >> 6) - 2
        let bit = UInt64(1) << UInt64(cpu & 63)
        if k >= more.count { more.append(contentsOf: repeatElement(0, count: k - more.count + 1)) }
        let had = more[k] & bit != 0
        more[k] |= bit
        return !had
    }

    @discardableResult
    public mutating func remove(_ cpu: Int) -> Bool {
        guard contains(cpu) else { return false }
        let mask = ~(UInt64(1) << UInt64(cpu & 63))
        switch cpu >> 6 {
        case 0: w0 &= mask
        case 1: w1 &= mask
        default:
            more[(cpu >> 6) - 2] &= mask
            trim()
        }
        return true
    }

    private mutating func trim() {
        while let last = more.last, last == 0 { more.removeLast() }
    }

    public func union(_ other: CPUSet) -> CPUSet {
        var r = self
        r.formUnion(other)
        return r
    }

    public mutating func formUnion(_ other: CPUSet) {
        w0 |= other.w0
        w1 |= other.w1
        guard !other.more.isEmpty else { return }
        if other.more.count > more.count {
            more.append(contentsOf: repeatElement(0, count: other.more.count - more.count))
        }
        for i in 0..<other.more.count { more[i] |= other.more[i] }
    }

    public func intersection(_ other: CPUSet) -> CPUSet {
        var r = CPUSet()
        r.w0 = w0 & other.w0
        r.w1 = w1 & other.w1
        let n = Swift.min(more.count, other.more.count)
        if n > 0 {
            r.more = (0..<n).map { more[$0] & other.more[$0] }
            r.trim()
        }
        return r
    }

    public func subtracting(_ other: CPUSet) -> CPUSet {
        var r = self
        r.subtract(other)
        return r
    }

    public mutating func subtract(_ other: CPUSet) {
        w0 &= ~other.w0
        w1 &= ~other.w1
        let n = Swift.min(more.count, other.more.count)
        guard n > 0 else { return }
        for i in 0..<n { more[i] &= ~other.more[i] }
        trim()
    }

    public func isSubset(of other: CPUSet) -> Bool {
        guard w0 & ~other.w0 == 0, w1 & ~other.w1 == 0 else { return false }
        for i in 0..<more.count {
            let o = i < other.more.count ? other.more[i] : 0
            if more[i] & ~o != 0 { return false }
        }
        return true
    }

    public func isDisjoint(with other: CPUSet) -> Bool {
        guard w0 & other.w0 == 0, w1 & other.w1 == 0 else { return false }
        let n = Swift.min(more.count, other.more.count)
        for i in 0..<n where more[i] & other.more[i] != 0 { return false }
        return true
    }

    /// Number of CPUs in both sets, without building the intersection.
    public func intersectionCount(_ other: CPUSet) -> Int {
        var c = (w0 & other.w0).nonzeroBitCount + (w1 & other.w1).nonzeroBitCount
        let n = Swift.min(more.count, other.more.count)
        for i in 0..<n { c += (more[i] & other.more[i]).nonzeroBitCount }
        return c
    }

    /// The set with these words (CPUs 0–63, 64–127, then 128… in
    /// `wordsAbove`): the host reader collects them itself. Trailing zero
    /// words are dropped.
    init(word0: UInt64, word1: UInt64, wordsAbove: [UInt64] = []) {
        w0 = word0
        w1 = word1
        more = wordsAbove
        trim()
    }

    /// The set of `ids` when they are distinct CPU ids in 0...maxCPUId, else
    /// nil. Sizes the overflow words once (inserting one by one regrows them).
    public init?(distinct ids: [Int]) {
        var top = -1
        for id in ids {
            guard id >= 0, id <= CPUSet.maxCPUId else { return nil }
            if id > top { top = id }
        }
        if top >= 128 { more = [UInt64](repeating: 0, count: top / 64 - 1) }
        for id in ids where !insert(id) { return nil }
    }

    /// Calls `body` with each CPU in ascending order, without building an
    /// array (the fitter walks thousands of sibling groups per batch).
    public func forEachCPU(_ body: (Int) throws -> Void) rethrows {
        let n = wordCount
        for i in 0..<n {
            var w = word(i)
            while w != 0 {
                try body(i * 64 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
    }

    /// The CPUs in ascending order.
    public var sorted: [Int] {
        var out: [Int] = []
        out.reserveCapacity(count)
        forEachCPU { out.append($0) }
        return out
    }

    /// Linux cpulist form: ascending, consecutive runs as `a-b`, empty set as "".
    public var cpulist: String {
        var parts: [String] = []
        var runStart = -1
        var prev = -2
        for cpu in sorted {
            if cpu == prev + 1 { prev = cpu; continue }
            if runStart >= 0 { parts.append(runStart == prev ? "\(runStart)" : "\(runStart)-\(prev)") }
            runStart = cpu
            prev = cpu
        }
        if runStart >= 0 { parts.append(runStart == prev ? "\(runStart)" : "\(runStart)-\(prev)") }
        return parts.joined(separator: ",")
    }
}

extension CPUSet: Sequence {
    public func makeIterator() -> IndexingIterator<[Int]> { sorted.makeIterator() }
}

extension CPUSet: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: Int...) { self.init(elements) }
}

extension CPUSet: CustomStringConvertible {
    public var description: String { cpulist.isEmpty ? "(none)" : cpulist }
}

extension CPUSet {
    /// Largest CPU id accepted from text, so a typo like `0-99999999` cannot
    /// allocate gigabytes.
    public static let maxCPUId = 65_535

    /// Parses Linux cpulist syntax: `0-3,8,10-11`, optional strides `0-15:2`
    /// are not produced by the kernel and are refused. Whitespace and a
    /// trailing newline are tolerated, as sysfs files end with one.
    public init(cpulist text: String) throws(CPUListSyntaxError) {
        // Without `^` the plain Nova form is cpulist syntax, read on its
        // bytes: a poll reads each node's list of hundreds of ids.
        if !text.utf8.contains(UInt8(ascii: "^")), let plain = Self.plainNovaSpec(text) {
            self = plain
            return
        }
        try self.init(parsing: text, allowExclusions: false)
    }

    /// Parses Nova's cpu spec syntax (`hardware.parse_cpu_spec`): ranges,
    /// single ids and `^N` / `^a-b` exclusions applied after the inclusions.
    public init(novaSpec text: String) throws(CPUListSyntaxError) {
        if let plain = Self.plainNovaSpec(text) {
            self = plain
            return
        }
        try self.init(parsing: text, allowExclusions: true)
    }

    /// A Nova cpu spec written plainly — ids, `a-b` ranges and `^`
    /// exclusions separated by single commas, no spaces — read on its
    /// bytes; nil for anything else (spaces, empty elements, backwards
    /// ranges, ids over `maxCPUId`), which the general parser reads or
    /// refuses with its message. Requests' `numa_cpus` strings are mostly
    /// like this, so a batch of requests never pays for String splitting.
    static func plainNovaSpec(_ text: String) -> CPUSet? {
        var include = CPUSet(), exclude = CPUSet()
        var bytes = text.utf8.makeIterator()
        var next = bytes.next()
        guard next != nil else { return nil }
        func number() -> Int? {
            var v = 0, digits = 0
            while let c = next, c >= 0x30, c <= 0x39 {
                v = v * 10 + Int(c - 0x30)
                digits += 1
                guard v <= maxCPUId else { return nil }
                next = bytes.next()
            }
            return digits > 0 ? v : nil
        }
        while true {
            let negate = next == UInt8(ascii: "^")
            if negate { next = bytes.next() }
            guard let lo = number() else { return nil }
            var hi = lo
            if next == UInt8(ascii: "-") {
                next = bytes.next()
                guard let h = number(), h >= lo else { return nil }
                hi = h
            }
            for cpu in lo...hi {
                if negate { exclude.insert(cpu) } else { include.insert(cpu) }
            }
            guard let c = next else { return include.subtracting(exclude) }
            guard c == UInt8(ascii: ",") else { return nil }
            next = bytes.next()
        }
    }

    private init(parsing text: String, allowExclusions: Bool) throws(CPUListSyntaxError) {
        var include = CPUSet()
        var exclude = CPUSet()
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty { self = include; return }
        for rawPart in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            var part = Substring(String(rawPart).trimmingSpaces)
            if part.isEmpty {
                // Nova's parse_cpu_spec skips empty elements ("1,,2"); the
                // kernel never writes them, so cpulist refuses them.
                if allowExclusions { continue }
                throw CPUListSyntaxError(text: text, problem: "empty element")
            }
            var negate = false
            if part.first == "^" {
                guard allowExclusions else {
                    throw CPUListSyntaxError(text: text, problem: "'^' exclusions are not cpulist syntax")
                }
                negate = true
                part = part.dropFirst()
            }
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2,
                  let lo = Self.cpuId(bounds[0]),
                  let hi = bounds.count == 2 ? Self.cpuId(bounds[1]) : lo
            else {
                throw CPUListSyntaxError(text: text, problem: "\(QuotedValue.quote(String(part))) is not a CPU id or range")
            }
            guard lo <= hi else {
                throw CPUListSyntaxError(text: text, problem: "range \(QuotedValue.quote(String(part))) runs backwards")
            }
            for cpu in lo...hi {
                if negate { exclude.insert(cpu) } else { include.insert(cpu) }
            }
        }
        self = include.subtracting(exclude)
    }

    private static func cpuId(_ s: Substring) -> Int? {
        let t = String(s).trimmingSpaces
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(t), v <= maxCPUId else {
            return nil
        }
        return v
    }
}

extension CPUSet: Codable {
    /// Decodes a JSON array of non-negative integers; a CPU listed twice or a
    /// negative id is invalid input (the contract's exit-2 class).
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var set = CPUSet()
        while !container.isAtEnd {
            // The container's index has moved past the element once it is
            // decoded; the error must name the element itself.
            let path = container.codingPath + [IndexKey(container.currentIndex)]
            let cpu = try container.decode(Int.self)
            guard cpu >= 0, cpu <= CPUSet.maxCPUId else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: path, debugDescription: "CPU id \(cpu) is out of range 0...\(CPUSet.maxCPUId)"))
            }
            guard set.insert(cpu) else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "CPU \(cpu) is listed twice"))
            }
        }
        self = set
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for cpu in sorted { try container.encode(cpu) }
    }
}
