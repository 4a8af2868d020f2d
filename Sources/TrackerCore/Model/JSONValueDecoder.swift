/// Decodes `Decodable` model types from a `JSONValue`, with the errors
/// Foundation's JSONDecoder raises (type mismatch, missing key, null, bad
/// data, each with its coding path), so `ContractJSON` reports the same JSON
/// paths whichever decoder read the document.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let node: CodingPathNode?
    var codingPath: [any CodingKey] { CodingPathNode.keys(node) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, node: CodingPathNode? = nil) {
        self.value = value
        self.node = node
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw Self.mismatch([String: Any].self, value, CodingPathNode.keys(node))
        }
        return KeyedDecodingContainer(Keyed<Key>(members: members, node: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = value.arrayItems else { throw Self.mismatch([Any].self, value, CodingPathNode.keys(node)) }
        return Unkeyed(items: items, node: node)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        Single(value: value, node: node)
    }

    // MARK: conversions shared by the containers. `path` is only evaluated
    // when an error is thrown.

    static func describe(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "bool"
        case .int, .double: return "number"
        case .string: return "string"
        case .array, .intArray: return "array"
        case .object: return "dictionary"
        }
    }

    static func mismatch(_ type: Any.Type, _ v: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        if case .null = v {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "Cannot get \(type) -- found null value instead"))
        }
        return .typeMismatch(type, .init(codingPath: path,
                                         debugDescription: "Expected to decode \(type) but found \(describe(v)) instead."))
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ v: JSONValue,
                                              _ path: @autoclosure () -> [any CodingKey]) throws -> T {
        switch v {
        case .int(let i):
            if let r = T(exactly: i) { return r }
            throw DecodingError.dataCorrupted(.init(codingPath: path(), debugDescription: "Number \(i) does not fit in \(T.self)."))
        case .double(let d):
            if let r = T(exactly: d) { return r }
            throw DecodingError.dataCorrupted(.init(codingPath: path(),
                                                    debugDescription: "Number \(d) is not a whole number that fits in \(T.self)."))
        default:
            throw mismatch(type, v, path())
        }
    }

    static func floating<T: BinaryFloatingPoint>(_ type: T.Type, _ v: JSONValue,
                                                 _ path: @autoclosure () -> [any CodingKey]) throws -> T {
        switch v {
        case .int(let i): return T(i)
        case .double(let d): return T(d)
        default: throw mismatch(type, v, path())
        }
    }

    static func bool(_ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        guard case .bool(let b) = v else { throw mismatch(Bool.self, v, path()) }
        return b
    }

    static func string(_ v: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        guard case .string(let s) = v else { throw mismatch(String.self, v, path()) }
        return s
    }

    static func decode<T: Decodable>(_ type: T.Type, _ v: JSONValue, _ node: @autoclosure () -> CodingPathNode) throws -> T {
        // Foundation's decoder reports a null where a value is needed as
        // valueNotFound for the type asked, whatever the type.
        if case .null = v, !(T.self is any OptionalMarker.Type) {
            throw DecodingError.valueNotFound(type, .init(codingPath: CodingPathNode.keys(node()),
                                                          debugDescription: "Cannot get \(type) -- found null value instead"))
        }
        return try T(from: JSONValueDecoder(v, node: node()))
    }

    // MARK: containers

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [(key: String, value: JSONValue)]
        let node: CodingPathNode?

        var codingPath: [any CodingKey] { CodingPathNode.keys(node) }
        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { find(key) != nil }

        private func find(_ key: Key) -> JSONValue? {
            let name = key.stringValue
            for m in members where m.key == name { return m.value }
            return nil
        }

        private func value(_ key: Key) throws -> JSONValue {
            if let v = find(key) { return v }
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath,
                                                       debugDescription: "No value associated with key \(key.stringValue)."))
        }

        private func path(_ key: Key) -> [any CodingKey] { CodingPathNode.keys(node, then: key) }
        private func child(_ key: Key) -> CodingPathNode { CodingPathNode(parent: node, key: key) }

        /// One lookup for `decodeIfPresent` (the default does three).
        private func present(_ key: Key) -> JSONValue? {
            guard let v = find(key) else { return nil }
            if case .null = v { return nil }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try value(key) { return true }
            return false
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try JSONValueDecoder.bool(value(key), path(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try JSONValueDecoder.string(value(key), path(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try JSONValueDecoder.floating(type, value(key), path(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try JSONValueDecoder.floating(type, value(key), path(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try JSONValueDecoder.integer(type, value(key), path(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONValueDecoder.decode(type, value(key), child(key))
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
            try present(key).map { try JSONValueDecoder.bool($0, path(key)) }
        }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            try present(key).map { try JSONValueDecoder.string($0, path(key)) }
        }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
            try present(key).map { try JSONValueDecoder.floating(type, $0, path(key)) }
        }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
            try present(key).map { try JSONValueDecoder.integer(type, $0, path(key)) }
        }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try present(key).map { try JSONValueDecoder.decode(type, $0, child(key)) }
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                                    forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONValueDecoder(value(key), node: child(key)).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONValueDecoder(value(key), node: child(key)).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            JSONValueDecoder(.object(members), node: node)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoder(find(key) ?? .null, node: child(key))
        }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let node: CodingPathNode?
        private(set) var currentIndex = 0

        init(items: [JSONValue], node: CodingPathNode?) {
            self.items = items
            self.node = node
        }

        var codingPath: [any CodingKey] { CodingPathNode.keys(node) }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private var path: [any CodingKey] { CodingPathNode.keys(node, then: IndexKey(currentIndex)) }
        private var child: CodingPathNode { CodingPathNode(parent: node, key: IndexKey(currentIndex)) }

        private func next(_ type: Any.Type) throws -> JSONValue {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "Unkeyed container is at end."))
            }
            return items[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            if case .null = try next(Any?.self) {
                currentIndex += 1
                return true
            }
            return false
        }

        private mutating func take<T>(_ type: T.Type, _ convert: (JSONValue) throws -> T) throws -> T {
            let r = try convert(next(type))
            currentIndex += 1
            return r
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.bool($0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: String.Type) throws -> String { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.string($0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Double.Type) throws -> Double { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.floating(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Float.Type) throws -> Float { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.floating(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Int.Type) throws -> Int { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: UInt.Type) throws -> UInt { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let n = node, i = currentIndex
            return try take(type) { try JSONValueDecoder.integer(type, $0, CodingPathNode.keys(n, then: IndexKey(i))) } }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let c = child
            return try take(type) { try JSONValueDecoder.decode(type, $0, c) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let c = child
            return try take(KeyedDecodingContainer<NestedKey>.self) { try JSONValueDecoder($0, node: c).container(keyedBy: type) }
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let c = child
            return try take((any UnkeyedDecodingContainer).self) { try JSONValueDecoder($0, node: c).unkeyedContainer() }
        }

        mutating func superDecoder() throws -> any Decoder {
            let c = child
            return try take((any Decoder).self) { JSONValueDecoder($0, node: c) }
        }
    }

    struct Single: SingleValueDecodingContainer {
        let value: JSONValue
        let node: CodingPathNode?

        var codingPath: [any CodingKey] { CodingPathNode.keys(node) }

        func decodeNil() -> Bool {
            if case .null = value { return true }
            return false
        }

        func decode(_ type: Bool.Type) throws -> Bool { try JSONValueDecoder.bool(value, codingPath) }
        func decode(_ type: String.Type) throws -> String { try JSONValueDecoder.string(value, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try JSONValueDecoder.floating(type, value, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { try JSONValueDecoder.floating(type, value, codingPath) }
        func decode(_ type: Int.Type) throws -> Int { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try JSONValueDecoder.integer(type, value, codingPath) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if case .null = value, !(T.self is any OptionalMarker.Type) {
                throw DecodingError.valueNotFound(type, .init(codingPath: codingPath,
                                                              debugDescription: "Cannot get \(type) -- found null value instead"))
            }
            return try T(from: JSONValueDecoder(value, node: node))
        }
    }
}

/// Lets the decoder tell `Optional<T>` apart (a null is a value for it).
protocol OptionalMarker {}
extension Optional: OptionalMarker {}
