/// The cgroup systemd-machined gives a running QEMU domain:
/// `machine.slice/machine-qemu\x2d<id>\x2d<name>.scope`, the machine name
/// `qemu-<id>-<name>` escaped as `systemd-escape` does.
enum LibvirtMachineScope {
    static func name(domainID: Int, domainName: String) -> String {
        "machine-" + escape("qemu-\(domainID)-\(domainName)") + ".scope"
    }

    /// Letters, digits, `:`, `_` and `.` stay; every other byte is `\xNN`.
    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80, c.isLetter || c.isNumber || c == ":" || c == "_" || c == "." {
                out.append(c)
            } else {
                let h = String(b, radix: 16)
                out += "\\x" + (h.count < 2 ? "0" + h : h)
            }
        }
        return out
    }
}
