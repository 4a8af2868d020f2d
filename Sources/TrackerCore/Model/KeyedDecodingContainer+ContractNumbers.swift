extension KeyedDecodingContainer {
    /// Decodes a count that must not be negative; a negative or absurdly
    /// large one is invalid input.
    func decodeNonNegative(_ key: Key) throws -> Int {
        try checkedCount(decode(Int.self, forKey: key), key)
    }

    func decodeNonNegative(_ key: Key, default value: Int) throws -> Int {
        try decodeNonNegativeIfPresent(key) ?? value
    }

    func decodeNonNegativeIfPresent(_ key: Key) throws -> Int? {
        guard let v = try decodeIfPresent(Int.self, forKey: key) else { return nil }
        return try checkedCount(v, key)
    }

    private func checkedCount(_ v: Int, _ key: Key) throws -> Int {
        guard v >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "must not be negative (got \(v))")
        }
        guard v <= ContractLimits.maxCount else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: ContractLimits.tooLarge(v, limit: ContractLimits.maxCount))
        }
        return v
    }

    func decodeRatio(_ key: Key, default value: Double) throws -> Double {
        guard let v = try decodeIfPresent(Double.self, forKey: key) else { return value }
        guard v.isFinite, v > 0, v <= ContractLimits.maxRatio else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self,
                debugDescription: "must be a positive number no larger than \(Int(ContractLimits.maxRatio)) (got \(v))")
        }
        return v
    }
}
