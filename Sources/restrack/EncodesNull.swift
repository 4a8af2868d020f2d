/// An optional that is written as `null` when nil rather than left out:
/// the observe contract names every key, and a script tells a missing key
/// from an unknown value. Synthesized `Encodable` leaves nil optionals out.
@propertyWrapper
struct EncodesNull<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue {
            try c.encode(wrappedValue)
        } else {
            try c.encodeNil()
        }
    }
}

extension EncodesNull: Sendable where Value: Sendable {}
