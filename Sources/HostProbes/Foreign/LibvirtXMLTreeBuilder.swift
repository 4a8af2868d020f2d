import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TrackerCore

/// Parses one libvirt state file into a `LibvirtXMLNode` tree with
/// Foundation's `XMLParser` (libxml2 underneath).
///
/// libvirt never writes a DTD, and a DTD is how XML reaches outside the
/// file (external entities) or expands a few bytes into gigabytes
/// (billion laughs), so a file holding `<!DOCTYPE` or `<!ENTITY` anywhere is
/// refused before the parser sees a byte. Depth and element count are
/// capped as well: the size cap bounds the bytes, not the nesting.
final class LibvirtXMLTreeBuilder: NSObject, XMLParserDelegate {
    static let maxDepth = 64
    static let maxElements = 200_000

    private var stack: [LibvirtXMLNode] = []
    private var root: LibvirtXMLNode?
    private var elements = 0
    private var refusal: String?

    /// The tree of `bytes`, or what is wrong with them.
    static func parse(_ bytes: [UInt8]) -> Result<LibvirtXMLNode, LibvirtFileProblem> {
        if let marker = declarationMarker(in: bytes) {
            return .failure(LibvirtFileProblem(
                "holds a \(marker) declaration; libvirt never writes one, and restrack does not parse DTDs (external entities, entity expansion)"))
        }
        let builder = LibvirtXMLTreeBuilder()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        let ok = parser.parse()
        if let refusal = builder.refusal { return .failure(LibvirtFileProblem(refusal)) }
        guard ok, let root = builder.root else {
            return .failure(LibvirtFileProblem("is not well-formed XML (parser stopped at line \(parser.lineNumber), column \(parser.columnNumber))"))
        }
        return .success(root)
    }

    /// `<!DOCTYPE` or `<!ENTITY` in any letter case, or nil.
    static func declarationMarker(in bytes: [UInt8]) -> String? {
        let markers: [(String, [UInt8])] = [("<!DOCTYPE", Array("<!doctype".utf8)), ("<!ENTITY", Array("<!entity".utf8))]
        return bytes.withUnsafeBufferPointer { b -> String? in
            guard b.count >= 2 else { return nil }
            for i in 0..<(b.count - 1) where b[i] == UInt8(ascii: "<") && b[i + 1] == UInt8(ascii: "!") {
                for (name, lower) in markers where i + lower.count <= b.count {
                    var match = true
                    for k in 2..<lower.count where b[i + k] | 0x20 != lower[k] {
                        match = false
                        break
                    }
                    if match { return name }
                }
            }
            return nil
        }
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements += 1
        if stack.count >= Self.maxDepth || elements > Self.maxElements {
            refusal = stack.count >= Self.maxDepth
                ? "nests elements deeper than \(Self.maxDepth) levels; a libvirt domain is a few levels deep"
                : "has more than \(Self.maxElements) elements; a libvirt domain has hundreds"
            parser.abortParsing()
            return
        }
        let namespace = namespaceURI.flatMap { $0.isEmpty ? nil : $0 }
        stack.append(LibvirtXMLNode(name: elementName, namespace: namespace, attributes: attributeDict))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        guard let node = stack.popLast() else { return }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }
}
