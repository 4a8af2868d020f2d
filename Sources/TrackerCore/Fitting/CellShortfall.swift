/// Why one guest cell does not fit one host cell: an operator sentence
/// naming the resource and the cell, and how close it came, so the fitter
/// can report the tightest shortfall when nothing fits.
struct CellShortfall: Error, Sendable {
    /// "host cell 1 has 3 free dedicated CPUs, 4 needed with thread policy isolate"
    var sentence: String
    /// have ÷ need, in 0...1; a policy refusal (no amount would help) is 0.
    var closeness: Double

    init(_ sentence: String, have: Int, need: Int) {
        self.sentence = sentence
        closeness = need <= 0 ? 0 : Swift.min(1, Swift.max(0, Double(have) / Double(need)))
    }

    init(refusal sentence: String) {
        self.sentence = sentence
        closeness = 0
    }
}
