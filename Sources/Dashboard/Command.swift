/// What a key binding asks the dashboard to do. Handlers return commands;
/// they never draw (htop's `Htop_Reaction` habit).
public enum Command: Hashable, Sendable {
    case help, focusNext, focusPrev
    case up, down, left, right, pageUp, pageDown, home, end
    case drillIn, back, filter, sort, toggleExpand, distances
    case claim, confirmClaim, release, showStuck, releaseStuck
    case pause, faster, slower, nextTheme, quit
}
