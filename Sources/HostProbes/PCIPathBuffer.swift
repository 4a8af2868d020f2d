/// A device's path relative to the bus directory (`ADDR`, `ADDR/driver`,
/// `ADDR/net`) as a NUL-terminated C string, built in one buffer reused
/// for every device and file of a poll: a `String` per path would be
/// thousands of allocations per poll.
struct PCIPathBuffer {
    /// The device's name (its address), as bytes.
    private(set) var bytes: [UInt8] = []
    private var buffer: [CChar] = []

    /// Starts the paths of the device `name`.
    mutating func reset(to name: String) {
        bytes.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: name.utf8)
    }

    /// Runs `body` with the C string of the name followed by `suffix`.
    mutating func with<T>(_ suffix: StaticString, _ body: (UnsafePointer<CChar>) -> T) -> T {
        buffer.removeAll(keepingCapacity: true)
        for byte in bytes { buffer.append(CChar(bitPattern: byte)) }
        suffix.withUTF8Buffer { for byte in $0 { buffer.append(CChar(bitPattern: byte)) } }
        buffer.append(0)
        return body(buffer)
    }
}
