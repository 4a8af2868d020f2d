import Foundation
import Placement

/// Another Placement client claiming on one of restrack's providers while
/// a sync runs: allocates one PCPU to its own consumer, frees it, again,
/// each time bumping the provider's generation.
final class ForeignWriter: @unchecked Sendable {
    let client: PlacementClient
    let provider: String
    let consumer = UUID().uuidString.lowercased()
    private let lock = NSLock()
    private var stopped = false
    private var count = 0

    init(url: String, provider: String) {
        client = PlacementClient(endpoint: PlacementEndpoint(url: url, token: "admin", timeout: 5))
        self.provider = provider
    }

    var writes: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    func loop() {
        var uuid: String?
        while !isStopped {
            guard let rp = uuid else {
                let found = try? client.send("GET", "/resource_providers?name=\(provider)")
                let list = found.flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }
                uuid = (list?["resource_providers"] as? [[String: Any]])?.first?["uuid"] as? String
                if uuid == nil { Thread.sleep(forTimeInterval: 0.02) }
                continue
            }
            let body = #"{"\#(consumer)": {"allocations": {"\#(rp)": {"resources": {"PCPU": 1}}}, "project_id": "other", "user_id": "other", "consumer_generation": null, "consumer_type": "OTHER"}}"#
            if (try? client.send("POST", "/allocations", body: Data(body.utf8))) != nil {
                lock.lock()
                count += 1
                lock.unlock()
                _ = try? client.send("DELETE", "/allocations/\(consumer)")
            } else {
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }
}
