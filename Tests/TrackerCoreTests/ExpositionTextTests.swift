import Testing
@testable import TrackerCore

/// The hand-written text format: escaping, numbers, HELP/TYPE placement.
@Suite struct ExpositionTextTests {
    @Test func labelValuesEscapeBackslashQuoteAndLineFeedOnly() {
        // Per the format: \ → \\, " → \", LF → \n; tabs and UTF-8 stay as they are.
        #expect(ExpositionText.escapeLabelValue("a\"b\\c\nd\te→") == "a\\\"b\\\\c\\nd\te→")
        #expect(ExpositionText.escapeHelp("x \\ \"y\"\nz") == "x \\\\ \"y\"\\nz")
    }

    @Test func numbersAreSpeltAsGoParsesThem() {
        #expect(ExpositionText.number(3) == "3")
        #expect(ExpositionText.number(-0.0) == "0")
        #expect(ExpositionText.number(103_079_215_104) == "103079215104")
        #expect(ExpositionText.number(0.25) == "0.25")
        #expect(ExpositionText.number(.infinity) == "+Inf")
        #expect(ExpositionText.number(-.infinity) == "-Inf")
        #expect(ExpositionText.number(.nan) == "NaN")
    }

    @Test func helpAndTypeComeOnceBeforeTheSamplesAndEmptyFamiliesAreLeftOut() {
        var a = MetricFamily(name: "restrack_a", help: "A.", labelNames: ["cell", "page_size_kb"])
        a.add(1, ["0", "2048"])
        a.add(2, ["1", "2048"])
        let empty = MetricFamily(name: "restrack_empty", help: "Nothing.", labelNames: ["x"])
        var b = MetricFamily(name: "restrack_b", help: "B.")
        b.add(0.5)
        #expect(ExpositionText.render([a, empty, b]) == """
            # HELP restrack_a A.
            # TYPE restrack_a gauge
            restrack_a{cell="0",page_size_kb="2048"} 1
            restrack_a{cell="1",page_size_kb="2048"} 2
            # HELP restrack_b B.
            # TYPE restrack_b gauge
            restrack_b 0.5

            """)
    }

    @Test func consumerLabelsDropUnsafeCharactersAndStopAt64() {
        #expect(ConsumerLabel.value("vm-1") == "vm-1")
        #expect(ConsumerLabel.value("a\nb\u{1b}[0m\u{202e}c\u{200b}") == "ab[0mc")
        let long = ConsumerLabel.value(String(repeating: "é", count: 10_000))
        #expect(long.unicodeScalars.count == 64)
        #expect(long == String(repeating: "é", count: 63) + "…")
        // Exactly 64 is kept whole.
        #expect(ConsumerLabel.value(String(repeating: "x", count: 64)) == String(repeating: "x", count: 64))
    }
}
