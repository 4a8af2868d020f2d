/// The version `restrack --version` prints and the installed man page's
/// footer carries (the Makefile reads it from the built binary). Kept here,
/// in one place: SwiftPM cannot stamp a `git describe` into a build offline.
enum RestrackVersion {
    static let current = "0.4.0"
}
