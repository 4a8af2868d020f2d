import Testing
@testable import HostProbes
import TrackerCore

@Suite struct SafeTextDecodeTests {
    @Test func escapesInvalidUTF8AndControlCharacters() {
        #expect(SafeText.decode(Array("eth0".utf8)) == "eth0")
        #expect(SafeText.decode([0xFF, 0x61, 0x01]) == "\\xffa\\x01")
        // A valid multi-byte name is kept; a truncated sequence is escaped.
        #expect(SafeText.decode(Array("wlän".utf8)) == "wlän")
        #expect(SafeText.decode([0x61, 0xC3]) == "a\\xc3")
        #expect(SafeText.escape("a\u{1B}[31mb\u{7F}") == "a\\x1b[31mb\\x7f")
        // A device name from pci.ids or sysfs with a right-to-left override
        // would display reversed; the probe keeps it visible, escaped.
        #expect(SafeText.decode(Array("nic\u{202E}0fte".utf8)) == "nic\\u{202e}0fte")
        #expect(SafeText.decode(Array("a\u{200B}b\u{FEFF}".utf8)) == "a\\u{200b}b\\u{feff}")
    }

    /// The printable-ASCII fast path ends exactly where escaping starts:
    /// the bytes just outside it (0x1F, 0x7F) are still spelled out, and
    /// every byte inside it comes back as itself.
    @Test func printableASCIIPassesThroughAndItsEdgesStillEscape() {
        let printable = Array(UInt8(0x20)..<UInt8(0x7F))
        #expect(SafeText.decode(printable) == String(decoding: printable, as: UTF8.self))
        #expect(SafeText.decode([0x61, 0x1F]) == "a\\x1f")
        #expect(SafeText.decode([0x7F, 0x61]) == "\\x7fa")
        #expect(SafeText.decode([0x7E, 0x80]) == "~\\x80")
        #expect(SafeText.decode([]) == "")
    }

    @Test func parsesKernelCPUMasks() {
        #expect(CPUMask.parse("0000000f") == CPUSet(0...3))
        #expect(CPUMask.parse("00000001,00000000,00000002") == CPUSet([1, 64]))
        #expect(CPUMask.parse("") == nil)
        #expect(CPUMask.parse("xyz") == nil)
        #expect(CPUMask.parse("000000001") == nil)
    }

    @Test func matchesNovaAddressGlobs() throws {
        let pf = PCIDevice(address: "0000:3b:00.0", vendorID: "8086", productID: "1592", devType: .pf)
        let vf = PCIDevice(address: "0000:3b:01.0", vendorID: "8086", productID: "1889", devType: .vf,
                           parentAddr: "0000:3b:00.0")
        let other = PCIDevice(address: "0000:5e:00.1", vendorID: "15b3", productID: "1013")
        let bySlot = try #require(PCIDeviceSpec.parseGlob("*:3b:00.*"))
        #expect(PCIDeviceSpec(address: bySlot).matches(pf, parent: nil))
        #expect(PCIDeviceSpec(address: bySlot).matches(vf, parent: pf))
        #expect(!PCIDeviceSpec(address: bySlot).matches(other, parent: nil))
        let byFunction = try #require(PCIDeviceSpec.parseGlob("5e:00.1"))
        #expect(PCIDeviceSpec(address: byFunction).matches(other, parent: nil))
        #expect(!PCIDeviceSpec(address: byFunction).matches(pf, parent: nil))
        let regex = PCIDeviceSpec.AddressPattern.regex(domain: nil, bus: "3[ab]", slot: nil, function: "0")
        #expect(PCIDeviceSpec(address: regex).matches(pf, parent: nil))
        #expect(!PCIDeviceSpec(address: regex).matches(other, parent: nil))
        #expect(PCIDeviceSpec.parseGlob("0000:zz:00.0") == nil)
    }
}
