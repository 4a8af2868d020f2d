/// What a key binding asks the dashboard to do. Handlers return commands;
/// they never draw (htop's `Htop_Reaction` habit).
public enum Command: Hashable, Sendable {
    case help, focusNext, focusPrev
    case up, down, left, right, pageUp, pageDown, home, end
    case drillIn, back, filter, sort, toggleExpand, distances, holders
    case claim, confirmClaim, release, showStuck, releaseStuck
    case pause, faster, slower, nextTheme, quit
    // Overlays that scroll (help, details).
    case scrollUp, scrollDown, scrollPageUp, scrollPageDown, scrollTop, scrollBottom, close
    // Dialogs with fields and buttons; the dialog value applies these
    // itself, the records say what its keys do.
    case nextField, previousField, changeChoice, switchButton, accept, cancel, erase
}
