import Dashboard
import Foundation
import Testing

/// The libc clock texts match the Foundation formatters they replaced.
@Suite struct ClockTextTests {
    @Test(arguments: [0.0, 59.999, 1_000_000_000.5, 1_795_000_000.0, 4_102_444_799.0])
    func matchesFoundationFormatters(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(ClockText.iso8601UTC(seconds) == ISO8601DateFormatter().string(from: date))
        let local = DateFormatter()
        local.dateFormat = "HH:mm:ss"
        #expect(ClockText.localTime(seconds) == local.string(from: date))
    }
}
