import Dashboard
import TrackerCore

/// The controller with its claim service run inline: every write and
/// preview the controller asks for is performed at once and its outcome
/// applied, as the app does when its `LedgerWorker` reports back. Lets key
/// tests read the result right after the key.
struct SyncController {
    let controller: Controller
    let service: any ClaimService

    func poll(_ m: inout DashboardModel) {
        let result: Result<HostState, ClaimServiceError>
        do {
            result = .success(try service.state())
        } catch {
            result = .failure(ClaimServiceError("\(error)"))
        }
        controller.apply(poll: result, &m)
    }

    @discardableResult
    func handle(_ key: Key, _ m: inout DashboardModel, width: Int, height: Int) -> Effect {
        var effect = controller.handle(key, &m, width: width, height: height)
        if case .write(let w) = effect {
            effect = controller.finish(w, w.perform(on: service), &m)
        }
        if effect == .repoll { poll(&m) }
        if let r = controller.previewWanted(m) { controller.applyPreview(service.preview(r), for: r, &m) }
        return effect
    }
}
