/// `mem_page_size` (Nova's `hw:mem_page_size`): a keyword or a size.
public enum PageSizeRequest: Hashable, Sendable, Codable, CustomStringConvertible {
    case small
    case large
    case any
    /// An explicit page size in KiB.
    case kib(Int)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            guard i > 0, i <= ContractLimits.maxPageSizeKB else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "page size must be 1...\(ContractLimits.maxPageSizeKB) KiB (got \(i))")
            }
            self = .kib(i)
            return
        }
        guard let s = try? c.decode(String.self) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "expected \"small\", \"large\", \"any\" or a size in KiB")
        }
        guard let parsed = PageSizeRequest(text: s) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown page size \(QuotedValue.quote(s)): use small, large, any, a KiB number or a size like 2MB")
        }
        self = parsed
    }

    /// Reads Nova's string forms: `small`, `large`, `any`, `2048`, `2MB`,
    /// `1GB`, `2048KB` (units are powers of 1024, as in Nova's
    /// `strutils.string_to_bytes` with `return_int`).
    public init?(text: String) {
        let t = text.trimmingSpaces.lowercased()
        switch t {
        case "small": self = .small; return
        case "large": self = .large; return
        case "any": self = .any; return
        default: break
        }
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits), n > 0 else { return nil }
        let unit = String(t.dropFirst(digits.count)).trimmingSpaces
        let factor: Int
        switch unit {
        case "", "k", "kb", "kib": factor = 1
        case "m", "mb", "mib": factor = 1024
        case "g", "gb", "gib": factor = 1024 * 1024
        default: return nil
        }
        // A typo like 99999999999999999G must be refused, not overflow.
        let (kib, overflow) = n.multipliedReportingOverflow(by: factor)
        guard !overflow, kib <= ContractLimits.maxPageSizeKB else { return nil }
        self = .kib(kib)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .small: try c.encode("small")
        case .large: try c.encode("large")
        case .any: try c.encode("any")
        case .kib(let k): try c.encode(k)
        }
    }

    public var description: String {
        switch self {
        case .small: return "small"
        case .large: return "large"
        case .any: return "any"
        case .kib(let k): return PageSizeText.short(kb: k)
        }
    }
}
