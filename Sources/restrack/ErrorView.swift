/// `{"error": "..."}` on stdout for `--json` callers, beside the stderr line.
struct ErrorView: Encodable {
    var error: String
    var exitCode: Int32

    enum CodingKeys: String, CodingKey { case error, exitCode = "exit_code" }
}
