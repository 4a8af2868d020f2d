/// One element of a libvirt state file, as the parser met it: local name,
/// namespace URI, attributes, the text directly inside and the child
/// elements. Only what the domain reader asks for; files are capped in
/// size before parsing, so a tree is at most a few MiB.
struct LibvirtXMLNode: Sendable {
    var name: String
    var namespace: String?
    var attributes: [String: String]
    var text: String
    var children: [LibvirtXMLNode]

    init(name: String, namespace: String? = nil, attributes: [String: String] = [:]) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.text = ""
        self.children = []
    }

    /// The first child element called `name` (no namespace, or `namespace`).
    func child(_ name: String, namespace: String? = nil) -> LibvirtXMLNode? {
        children.first { $0.name == name && $0.namespace == namespace }
    }

    /// Every child element called `name`.
    func children(_ name: String, namespace: String? = nil) -> [LibvirtXMLNode] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }

    /// The element at a path of child names (`cputune`, `vcpupin`).
    func path(_ names: String...) -> LibvirtXMLNode? {
        var node: LibvirtXMLNode? = self
        for name in names { node = node?.child(name) }
        return node
    }

    var trimmedText: String {
        var t = Substring(text)
        while let c = t.first, c.isWhitespace { t.removeFirst() }
        while let c = t.last, c.isWhitespace { t.removeLast() }
        return String(t)
    }
}
