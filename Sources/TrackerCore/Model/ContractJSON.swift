import Foundation

/// Decodes contract documents and turns `DecodingError` into an
/// `InputError` with a JSON path such as `$.cells[1].pcpus[3]`.
public enum ContractJSON {
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, document: String) throws(InputError) -> T {
        try decode(type, bytes: [UInt8](data), document: document)
    }

    /// As `decode(_:from:document:)`, from bytes already in memory.
    ///
    /// Plain host and request documents (the bulk of `restrack fit
    /// --batch`) are read by restrack's own readers, `HostJSONReader` and
    /// `JSONValue` + `Request.fastDecode`: Foundation's JSONDecoder took
    /// most of a batch's time. Anything else, and every document with a
    /// problem, goes through JSONDecoder as before, so values and errors do
    /// not change.
    ///
    /// `document` names the document in errors only, so it is built only
    /// for one (a batch names 2,000 paths otherwise).
    public static func decode<T: Decodable>(_ type: T.Type, bytes: [UInt8],
                                            document: @autoclosure () -> String) throws(InputError) -> T {
        if T.self == HostSnapshot.self, let host = HostJSONReader.read(bytes) as? T {
            return host
        }
        let tree = try? JSONValue.parse(bytes)
        if T.self == Request.self, let tree, tree.repeatedKeyPath() == nil,
           let request = Request.fastDecode(tree) as? T {
            return request
        }
        // JSON leaves a repeated member name's meaning open (Python and jq
        // keep the last, JSONDecoder the first): refused, so a document
        // means one thing to every reader.
        if let repeated = tree?.repeatedKeyPath() {
            throw InputError(document: document(), path: JSONValue.pathText(repeated),
                             problem: "is given more than once in its object; give each field once")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            if case .dataCorrupted(let ctx) = error, ctx.codingPath.isEmpty, let tree,
               let (path, value) = numberTooWide(T.self, tree) {
                throw InputError(document: document(), path: JSONValue.pathText(path),
                                 problem: "must be a whole number within \(acceptedRange(T.self, tree, at: path)) (got \(value))")
            }
            throw inputError(error, document: document())
        } catch {
            throw InputError(document: document(), path: "$", problem: "not valid JSON (\(error))")
        }
    }

    /// The number an integer field could not hold, when that is why
    /// JSONDecoder refused a document that parses: JSONDecoder then says
    /// only "not valid JSON". Each number written with a fraction or
    /// exponent, or beyond `Int`, is tried alone: every other one becomes 1
    /// (which any number field holds), and the one that still makes the
    /// document "not valid JSON" is the culprit.
    private static func numberTooWide<T: Decodable>(_ type: T.Type, _ tree: JSONValue)
        -> (path: [JSONValue.PathStep], value: Double)? {
        // Error path only, and documents hold few such numbers (ratios).
        let candidates = tree.nonIntegerNumbers(limit: 32)
        for (k, candidate) in candidates.enumerated() {
            var probe = tree
            for (j, other) in candidates.enumerated() where j != k {
                probe = probe.replacing(at: other.path[...], with: .int(1))
            }
            do {
                _ = try JSONDecoder().decode(T.self, from: Data(probe.jsonBytes))
            } catch DecodingError.dataCorrupted(let ctx) where ctx.codingPath.isEmpty {
                return candidate
            } catch {
                continue
            }
        }
        return nil
    }

    /// The whole numbers the field at `path` accepts, in words ("0…2^34"):
    /// each field checks its own limit (`ContractLimits`, `CPUSet.maxCPUId`)
    /// as it decodes, so the decoder is asked, with the field set to each
    /// limit restrack has and every other number that is not a whole one
    /// set to 1. Error path only: a dozen decodes of one document.
    private static func acceptedRange<T: Decodable>(_ type: T.Type, _ tree: JSONValue,
                                                    at path: [JSONValue.PathStep]) -> String {
        var base = tree
        for other in tree.nonIntegerNumbers(limit: 32) where other.path != path {
            base = base.replacing(at: other.path[...], with: .int(1))
        }
        // Accepted: the document decodes, or what is refused is elsewhere
        // (a CPU id of 0 may clash with another list, not with its field).
        let field = JSONValue.pathText(path)
        func accepts(_ v: Int) -> Bool {
            do {
                _ = try JSONDecoder().decode(T.self, from: Data(base.replacing(at: path[...], with: .int(v)).jsonBytes))
                return true
            } catch let error as DecodingError {
                return inputError(error, document: "").path != field
            } catch {
                return false
            }
        }
        let lows = [Int.min, -1, 0, 1]
        let highs = [Int.max, ContractLimits.maxCount, ContractLimits.maxPageSizeKB, CPUSet.maxCPUId, 1]
        guard let low = lows.first(where: accepts), let high = highs.first(where: accepts) else {
            return "\(Int.min)…\(Int.max)"
        }
        return numberText(low) + "…" + numberText(high)
    }

    /// A limit as written in `ContractLimits`: a power of two from 2^16 up
    /// as "2^34", others in digits.
    private static func numberText(_ v: Int) -> String {
        if v >= 1 << 16, v != Int.max, v.nonzeroBitCount == 1 { return "2^\(v.trailingZeroBitCount)" }
        return "\(v)"
    }

    /// Encodes with sorted keys so output is stable across runs.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? enc.encode(value), let s = String(data: data, encoding: .utf8) else {
            // Only non-finite doubles fail to encode; the model refuses them on input.
            return "{}"
        }
        return s
    }

    static func inputError(_ error: DecodingError, document: String) -> InputError {
        switch error {
        case .typeMismatch(let type, let ctx):
            return InputError(document: document, path: jsonPath(ctx.codingPath),
                              problem: "expected \(describe(type))\(found(ctx.debugDescription))")
        case .valueNotFound(let type, let ctx):
            return InputError(document: document, path: jsonPath(ctx.codingPath),
                              problem: "expected \(describe(type)), found null")
        case .keyNotFound(let key, let ctx):
            return InputError(document: document, path: jsonPath(ctx.codingPath + [key]),
                              problem: "required field is missing")
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                let underlying = ctx.underlyingError.map { " (\($0))" } ?? ""
                return InputError(document: document, path: "$", problem: "not valid JSON\(underlying)")
            }
            return InputError(document: document, path: jsonPath(ctx.codingPath), problem: ctx.debugDescription)
        @unknown default:
            return InputError(document: document, path: "$", problem: "\(error)")
        }
    }

    static func jsonPath(_ path: [any CodingKey]) -> String {
        var s = "$"
        for key in path {
            if let i = key.intValue, key.stringValue == "\(i)" || key.stringValue.hasPrefix("Index") {
                s += "[\(i)]"
            } else {
                s += ".\(key.stringValue)"
            }
        }
        return s
    }

    /// ", found a string" from JSONDecoder's "Expected to decode Int but
    /// found a string instead.", in JSON's words; the rest of that sentence
    /// (Swift type names) is not for operators.
    private static func found(_ debugDescription: String) -> String {
        guard let start = debugDescription.range(of: "but found "),
              let end = debugDescription.range(of: " instead", range: start.upperBound..<debugDescription.endIndex)
        else { return "" }
        let what = debugDescription[start.upperBound..<end.lowerBound]
        switch what {
        case "a dictionary": return ", found an object"
        case "number", "a number": return ", found a number"
        case "bool", "a bool", "a boolean": return ", found true or false"
        case "null", "a null value": return ", found null"
        default: return ", found \(SafeText.escape(String(what.prefix(40))))"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return name
        }
    }
}
