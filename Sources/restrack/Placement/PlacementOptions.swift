import ArgumentParser
import BoundedFile
import Foundation
import Placement

/// Where Placement is and how to authenticate, shared by the placement verbs.
struct PlacementOptions: ParsableArguments {
    @Option(help: "Placement's API root, e.g. http://controller:8778 (https uses the system CA bundle).")
    var url: String

    @Option(help: "Keystone token sent as X-Auth-Token. Prefer --token-file: a command line is visible to other users.")
    var token: String?

    @Option(name: .customLong("token-file"), help: "File holding the token (its first line).", completion: .file())
    var tokenFile: String?

    @Option(help: "Seconds each request may take.")
    var timeout: Double = 10

    @Flag(help: "Do not verify Placement's TLS certificate (only for a test setup).")
    var insecure = false

    func validate() throws {
        if token != nil && tokenFile != nil { throw ValidationError("--token and --token-file both give a token; give one") }
        if token == nil && tokenFile == nil { throw ValidationError("give --token or --token-file") }
        guard timeout > 0 && timeout <= 600 else { throw ValidationError("--timeout must be between 0 and 600 seconds") }
        guard let u = URL(string: url), let scheme = u.scheme, ["http", "https"].contains(scheme.lowercased()), u.host != nil
        else { throw ValidationError("--url '\(url)' is not an http:// or https:// URL") }
    }

    /// The endpoint, with the token read from its file when given so.
    func endpoint() throws(CLIFailure) -> PlacementEndpoint {
        var secret = token ?? ""
        if let tokenFile {
            switch BoundedFileReader().read(tokenFile) {
            case .success(let bytes):
                secret = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
                secret = secret.trimmingCharacters(in: .whitespaces)
            case .failure(let failure):
                throw CLIFailure.badInput("--token-file \(tokenFile) \(failure.words)")
            }
            guard !secret.isEmpty else { throw CLIFailure.badInput("--token-file \(tokenFile) holds no token") }
        }
        return PlacementEndpoint(url: url, token: secret, timeout: timeout, insecure: insecure)
    }
}
