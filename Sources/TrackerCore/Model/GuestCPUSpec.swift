/// A guest vCPU list as a request may write it: a JSON integer, an array of
/// integers, or a Nova cpu spec string (`"0-3,^2"`). Kept as written; the
/// request validation turns it into a `CPUSet` and reports a bad spec as an
/// invalid request, the way Nova does.
public enum GuestCPUSpec: Codable, Hashable, Sendable {
    case list([Int])
    case text(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) {
            self = .list([i])
        } else if let l = try? c.decode([Int].self) {
            self = .list(l)
        } else if let s = try? c.decode(String.self) {
            self = .text(s)
        } else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "expected a vCPU list: an integer, an array of integers or a cpu spec string")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .list(let l): try c.encode(l)
        case .text(let s): try c.encode(s)
        }
    }
}
