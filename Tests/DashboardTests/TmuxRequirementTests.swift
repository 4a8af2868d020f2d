import TestSupport
import Testing

/// The dashboard's end-to-end suites drive a real terminal through tmux.
/// Without it they are skipped outside CI and fail under CI=true; this test
/// says why in one line instead of one failure per screen check.
@Suite struct TmuxRequirementTests {
    @Test func tmuxIsOnPath() {
        _ = TestEnvironment.require(Tmux.available, "tmux on PATH (the dashboard's end-to-end tests drive it)")
    }
}
