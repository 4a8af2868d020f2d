/// A device's path relative to the bus directory (`ADDR`, `ADDR/driver`,
/// `ADDR/net/NAME/flags`) as a NUL-terminated C string, built in one
/// buffer reused for every device and file of a poll: the name is copied
/// in once per device and each file's suffix after it, so thousands of
/// paths per poll cost no allocation.
struct PCIPathBuffer {
    private var buffer: [CChar] = []
    /// How many bytes of `buffer` are the device's name.
    private var nameCount = 0

    /// Starts the paths of the device `name`.
    mutating func reset(to name: String) {
        buffer.removeAll(keepingCapacity: true)
        for byte in name.utf8 { buffer.append(CChar(bitPattern: byte)) }
        nameCount = buffer.count
    }

    /// Runs `body` with the C string of the name followed by `suffix`.
    mutating func with<T>(_ suffix: StaticString, _ body: (UnsafePointer<CChar>) -> T) -> T {
        buffer.removeLast(buffer.count - nameCount)
        suffix.withUTF8Buffer { for byte in $0 { buffer.append(CChar(bitPattern: byte)) } }
        buffer.append(0)
        return body(buffer)
    }

    /// Runs `body` with the C string of the name followed by `/net/`,
    /// `interface` and `/flags`.
    mutating func withFlags<T>(of interface: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        buffer.removeLast(buffer.count - nameCount)
        Self.netInfix.withUTF8Buffer { for byte in $0 { buffer.append(CChar(bitPattern: byte)) } }
        for byte in interface { buffer.append(CChar(bitPattern: byte)) }
        Self.flagsSuffix.withUTF8Buffer { for byte in $0 { buffer.append(CChar(bitPattern: byte)) } }
        buffer.append(0)
        return body(buffer)
    }

    private static let netInfix: StaticString = "/net/"
    private static let flagsSuffix: StaticString = "/flags"
}
