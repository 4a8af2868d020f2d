/// Small helpers so reasons read as sentences ("1 free dedicated CPU",
/// "3 free dedicated CPUs").
enum Wording {
    /// "1 device" / "2 devices"; `plural` defaults to the noun + "s".
    static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : (plural ?? singular + "s"))
    }
}
