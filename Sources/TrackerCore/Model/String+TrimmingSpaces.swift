extension String {
    /// The string without leading and trailing spaces, tabs and newlines;
    /// TrackerCore avoids Foundation's `trimmingCharacters`.
    var trimmingSpaces: String {
        // Nothing to trim (the usual case): no Character walk. A string
        // whose first and last bytes are not spaces starts and ends with
        // a Character that is not one.
        func isSpaceByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        if let f = utf8.first, let l = utf8.last, !isSpaceByte(f), !isSpaceByte(l) { return self }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }),
              let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
