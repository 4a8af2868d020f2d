/// Why one guest cell does not fit one host cell: an operator sentence
/// naming the resource and the cell, and how close it came, so the fitter
/// can report the tightest shortfall when nothing fits.
///
/// The sentence is written only when a reason is wanted: the fitter tries
/// every (guest cell, host cell) pair and most refusals are never shown, and
/// writing them all was a tenth of a batch's fitting time.
struct CellShortfall: Error, Sendable {
    private let write: @Sendable () -> String
    /// have ÷ need, in 0...1; a policy refusal (no amount would help) is 0.
    var closeness: Double

    /// What ran short, in a few words ("free dedicated CPUs", "a usable
    /// thread layout"), so a refusal can say what fails on every cell.
    var what: String

    /// "host cell 1 has 3 free dedicated CPUs, 4 needed with thread policy isolate"
    var sentence: String { write() }

    init(_ sentence: @autoclosure @escaping @Sendable () -> String, have: Int, need: Int,
         what: String = "dedicated CPUs for the thread policy") {
        write = sentence
        self.what = what
        closeness = need <= 0 ? 0 : Swift.min(1, Swift.max(0, Double(have) / Double(need)))
    }

    init(refusal sentence: @autoclosure @escaping @Sendable () -> String,
         what: String = "a thread layout the policy accepts") {
        write = sentence
        self.what = what
        closeness = 0
    }
}
