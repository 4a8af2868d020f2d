import Foundation
import TrackerCore

/// Brings Placement to the tree restrack wants, writing only differences.
///
/// One attempt: list the tree (one request); when the fingerprint and every
/// provider's generation are what the last sync recorded, stop there.
/// Otherwise read each provider's traits, inventories and allocations,
/// create what is missing parent-first, put traits and inventories that
/// differ, write changed consumers in one `POST /allocations`, delete the
/// allocations of claims no longer live, and delete restrack's providers
/// that the host no longer has. A 409 `placement.concurrent_update` ends
/// the attempt and the next one re-reads, after a random pause that
/// doubles each time, at most `maxAttempts` times. A 409
/// `placement.inventory.inuse` (dropping a resource class allocations hold)
/// is reported and the rest goes on.
public struct PlacementSync: Sendable {
    public let client: PlacementClient
    public var maxAttempts = 6
    /// Called after each write with its description, so a caller can
    /// audit changes as they happen.
    public var onChange: @Sendable (String) -> Void = { _ in }
    /// Called with the root's UUID before restrack creates it, so the caller
    /// records it first: a sync killed between creating a provider and
    /// giving it restrack's trait then still knows the provider is its own.
    /// A returned text stops the sync with that error.
    public var beforeCreatingRoot: @Sendable (String) -> String? = { _ in nil }

    public init(client: PlacementClient) {
        self.client = client
    }

    public func run(_ inputs: SyncInputs, memory: SyncMemory?, proposedRoot: String,
                    dryRun: Bool) throws(PlacementError) -> SyncOutcome {
        let started = Date()
        var attempt = 0
        var careful = false
        while true {
            attempt += 1
            do {
                var outcome = try once(inputs, memory: memory, proposedRoot: proposedRoot, dryRun: dryRun, careful: careful)
                outcome.report.attempts = attempt
                outcome.report.requests = client.counts
                outcome.report.seconds = Date().timeIntervalSince(started)
                return outcome
            } catch let error where error.isConcurrentUpdate {
                guard attempt < maxAttempts else { throw PlacementError.conflictsExhausted(attempts: attempt) }
                careful = true
                Self.pause(attempt)
            }
        }
    }

    private func once(_ inputs: SyncInputs, memory: SyncMemory?, proposedRoot: String, dryRun: Bool,
                      careful: Bool) throws(PlacementError) -> SyncOutcome {
        let name = inputs.name
        var rootUUID = memory?.rootUUID ?? proposedRoot
        var listed = try tree(rootUUID)
        if listed.isEmpty {
            // Not there under the UUID restrack knows: a first sync, or a
            // sync killed before it recorded the root it created.
            let byName = try client.get("/resource_providers?name=\(Self.query(name))", as: ProviderList.self).resourceProviders
            if let found = byName.first {
                let traits = try client.get("/resource_providers/\(found.uuid)/traits", as: ProviderTraits.self).traits
                try Self.checkRoot(found, traits: traits, recorded: memory?.rootUUID)
                rootUUID = found.rootProviderUUID ?? found.uuid
                guard rootUUID == found.uuid else {
                    throw PlacementError.refused("provider \(name) in Placement is not a root (its root is \(rootUUID)); restrack publishes a host as its own tree, give another --name")
                }
                listed = try tree(rootUUID)
            }
        }
        let desired = TreeBuilder(name: name, rootUUID: rootUUID)
            .build(snapshot: inputs.snapshot, claims: inputs.claims, holders: inputs.holders,
                   resourceClasses: inputs.resourceClasses)
        var report = SyncReport(name: name, rootUUID: rootUUID, dryRun: dryRun)
        report.problems = desired.notes
        report.providers = desired.providers.count
        report.consumers = desired.consumers.count
        // Renamed behind restrack's back: a provider it recorded carries
        // another name now. Writing on would publish under names the
        // operator did not choose, or create a second tree.
        if let memory {
            for p in listed {
                if let known = memory.providers[p.uuid], known.name != p.name {
                    throw PlacementError.refused("provider \(p.uuid) was \(known.name) when restrack last synced and is \(p.name) now; rename it back or delete it, then sync again")
                }
            }
        }
        if let root = listed.first(where: { $0.uuid == rootUUID }), root.name != name {
            throw PlacementError.refused("root provider \(rootUUID) is named \(root.name) in Placement, not \(name); rename it back, or pass --name \(root.name)")
        }
        if let memory, !listed.isEmpty, memory.rootUUID == rootUUID, memory.fingerprint == desired.fingerprint,
           Set(listed.map(\.uuid)) == Set(memory.providers.keys),
           listed.allSatisfy({ memory.providers[$0.uuid]?.generation == $0.generation }) {
            return SyncOutcome(report: report, memory: memory, tree: desired)
        }
        let recordedRoot = memory?.rootUUID
        var state = try read(listed, rootUUID: rootUUID, recorded: recordedRoot)
        var uuidOf: [String: String] = [:]
        for p in listed { uuidOf[p.name] = p.uuid }
        var wrote = false
        func changed(_ text: String) {
            report.changes.append(text)
            if !dryRun { onChange(text) }
        }
        // Names must be ours or free: a provider with the same name outside
        // this tree, or one inside it without restrack's trait, is left alone.
        for spec in desired.providers {
            if let uuid = uuidOf[spec.name], !state.ours.contains(uuid) {
                throw PlacementError.refused("provider \(spec.name) (\(uuid)) has no \(PlacementNames.ownerTrait) trait; restrack does not change providers it did not create")
            }
        }
        // Custom traits and resource classes exist before anything uses them.
        let needsWrites = desired.providers.contains { spec in
            guard let uuid = uuidOf[spec.name] else { return true }
            return Set(state.traits[uuid] ?? []) != Set(spec.traits)
                || !Self.same(state.inventories[uuid] ?? [:], spec.inventories)
        }
        if needsWrites && !dryRun {
            wrote = try ensureCustomNames(desired) || wrote
        }
        // Providers, parent-first.
        for spec in desired.providers where uuidOf[spec.name] == nil {
            let parentUUID: String? = spec.parent.flatMap { uuidOf[$0] }
            if spec.parent != nil && parentUUID == nil {
                if dryRun { changed("create provider \(spec.name)"); continue }
                throw PlacementError.refused("provider \(spec.name) needs its parent \(spec.parent ?? "") first")
            }
            if dryRun { changed("create provider \(spec.name)"); continue }
            if spec.parent == nil, let stop = beforeCreatingRoot(rootUUID) { throw PlacementError.refused(stop) }
            let body = NewProvider(name: spec.name,
                                   uuid: spec.parent == nil ? rootUUID : Self.childUUID(root: rootUUID, name: spec.name),
                                   parentProviderUUID: parentUUID)
            let made: ResourceProvider
            do {
                made = try client.write("POST", "/resource_providers", body, as: ResourceProvider.self)
            } catch let error {
                if case .http(_, _, 409, _, _) = error {
                    throw PlacementError.refused("cannot create provider \(spec.name): Placement already has a provider of that name outside this host's tree (\(error.description)); rename or delete it")
                }
                throw error
            }
            uuidOf[spec.name] = made.uuid
            state.generation[made.uuid] = made.generation
            state.traits[made.uuid] = []
            state.inventories[made.uuid] = [:]
            state.ours.insert(made.uuid)
            wrote = true
            changed("created provider \(spec.name) (\(made.uuid))")
        }
        // Traits, then inventories, where they differ.
        for spec in desired.providers {
            guard let uuid = uuidOf[spec.name] else { continue }
            if Set(state.traits[uuid] ?? []) != Set(spec.traits) {
                if dryRun {
                    changed("set traits of \(spec.name): \(spec.traits.joined(separator: ","))")
                } else if try putTraits(uuid, spec.traits, generation: state.generation[uuid] ?? 0,
                                        into: &state.generation) {
                    wrote = true
                    changed("set traits of \(spec.name): \(spec.traits.joined(separator: ","))")
                }
            }
            let current = state.inventories[uuid] ?? [:]
            if !Self.same(current, spec.inventories) {
                let words = "set inventory of \(spec.name): " + Self.describe(spec.inventories)
                if dryRun { changed(words); continue }
                do {
                    if try putInventories(uuid, spec.inventories, generation: state.generation[uuid] ?? 0,
                                          into: &state.generation) {
                        wrote = true
                        changed(words)
                    }
                } catch let error where error.isInventoryInUse {
                    report.problems.append("inventory of \(spec.name) not changed to \(Self.describe(spec.inventories)): Placement keeps a resource class that allocations still hold (placement.inventory.inuse); release those claims first")
                }
            }
        }
        // Consumers: restrack's own (every claim the ledger knows), as
        // Placement holds them on this tree.
        let builder = TreeBuilder(name: name, rootUUID: rootUUID)
        var claimOf: [String: String] = [:]
        for id in inputs.knownClaimIDs { claimOf[builder.consumerUUID(claimID: id)] = id }
        var actual: [String: [String: [String: Int]]] = [:]   // consumer → provider uuid → rc → amount
        for (providerUUID, held) in state.allocations {
            for (consumer, h) in held where claimOf[consumer] != nil {
                actual[consumer, default: [:]][providerUUID] = h.resources
            }
        }
        var post: [String: AllocationRequest] = [:]
        var postWords: [String] = []
        for consumer in desired.consumers {
            var want: [String: [String: Int]] = [:]
            var complete = true
            for (providerName, res) in consumer.resources {
                guard let uuid = uuidOf[providerName] else { complete = false; continue }
                want[uuid] = res
            }
            if !complete && !dryRun {
                report.problems.append("claim \(consumer.claimID) holds resources on a provider that is not in Placement; not published")
                continue
            }
            if actual[consumer.uuid] == want { continue }
            var generation: Int?
            if actual[consumer.uuid] != nil || careful {
                generation = try consumerGeneration(consumer.uuid)
            }
            post[consumer.uuid] = AllocationRequest(
                allocations: want.mapValues { AllocationRequest.Held(resources: $0) },
                projectID: PlacementNames.project, userID: PlacementNames.project,
                consumerGeneration: generation, consumerType: PlacementNames.consumerType)
            postWords.append("allocated claim \(consumer.claimID) as consumer \(consumer.uuid): "
                             + Self.describe(consumer.resources))
        }
        if !post.isEmpty {
            if dryRun {
                for w in postWords { changed(w) }
            } else {
                // Placement checks and writes every consumer of one POST in
                // one transaction: about 40 ms each on a loaded two-core
                // host, so a first sync of 1,000 claims outlasts a timeout
                // meant for one small request. Allow for the size.
                try client.write("POST", "/allocations", post,
                                 timeout: client.endpoint.timeout + 0.1 * Double(post.count))
                wrote = true
                for w in postWords { changed(w) }
            }
        }
        let live = Set(desired.consumers.map(\.uuid))
        for consumer in actual.keys.sorted() where !live.contains(consumer) {
            let words = "removed the allocations of claim \(claimOf[consumer] ?? "?") (consumer \(consumer))"
            if dryRun { changed(words); continue }
            do {
                _ = try client.send("DELETE", "/allocations/\(consumer)")
            } catch let error {
                if case .http(_, _, 404, _, _) = error {} else { throw error }
            }
            wrote = true
            changed(words)
        }
        // restrack's providers the host no longer has, children first.
        let wanted = Set(desired.providers.map(\.name))
        let parentOf = Dictionary(listed.map { ($0.uuid, $0.parentProviderUUID) }, uniquingKeysWith: { a, _ in a })
        func depth(_ uuid: String) -> Int {
            var d = 0
            var at = parentOf[uuid] ?? nil
            while let p = at, d < 64 { d += 1; at = parentOf[p] ?? nil }
            return d
        }
        for p in listed.sorted(by: { depth($0.uuid) > depth($1.uuid) }) where !wanted.contains(p.name) {
            guard state.ours.contains(p.uuid) else {
                report.problems.append("provider \(p.name) in this host's tree is not restrack's; left alone")
                continue
            }
            let others = state.allocations[p.uuid]?.keys.filter { claimOf[$0] == nil || live.contains($0) } ?? []
            if !others.isEmpty {
                report.problems.append("provider \(p.name) is gone from the host but \(others.count) consumers still hold resources on it; not deleted")
                continue
            }
            if dryRun { changed("delete provider \(p.name)"); continue }
            do {
                _ = try client.send("DELETE", "/resource_providers/\(p.uuid)")
            } catch let error {
                if case .http(_, _, 409, _, _) = error {
                    report.problems.append("provider \(p.name) could not be deleted: \(error.description)")
                    continue
                }
                throw error
            }
            wrote = true
            changed("deleted provider \(p.name)")
        }
        let final = wrote ? try tree(rootUUID) : listed
        // A sync that left something undone (inventory in use, a consumer
        // not written) keeps no fingerprint, so the next one reads
        // everything again instead of taking the fast path.
        let undone = report.problems.contains { !desired.notes.contains($0) }
        var remembered = SyncMemory(rootUUID: rootUUID, fingerprint: undone ? nil : desired.fingerprint)
        for p in final { remembered.providers[p.uuid] = SyncMemory.Known(name: p.name, generation: p.generation) }
        return SyncOutcome(report: report, memory: remembered, tree: desired)
    }

    // MARK: - Reads

    struct TreeState {
        var generation: [String: Int] = [:]
        var traits: [String: [String]] = [:]
        var inventories: [String: [String: Inventory]] = [:]
        var allocations: [String: [String: ProviderAllocations.Held]] = [:]
        /// restrack's providers: with its trait, or made by a sync that
        /// was killed before it set the trait (see `isOurs`).
        var ours: Set<String> = []
    }

    private func tree(_ rootUUID: String) throws(PlacementError) -> [ResourceProvider] {
        try client.get("/resource_providers?in_tree=\(rootUUID)", as: ProviderList.self).resourceProviders
    }

    private func read(_ listed: [ResourceProvider], rootUUID: String, recorded: String?) throws(PlacementError) -> TreeState {
        var state = TreeState()
        for p in listed {
            state.generation[p.uuid] = p.generation
            let traits = try client.get("/resource_providers/\(p.uuid)/traits", as: ProviderTraits.self)
            state.traits[p.uuid] = traits.traits
            if p.uuid == rootUUID { try Self.checkRoot(p, traits: traits.traits, recorded: recorded) }
            // A provider that is not restrack's is only looked at, never changed.
            guard Self.isOurs(p, traits: traits.traits, rootUUID: rootUUID, recorded: recorded) else { continue }
            state.ours.insert(p.uuid)
            state.inventories[p.uuid] = try client.get("/resource_providers/\(p.uuid)/inventories",
                                                       as: ProviderInventories.self).inventories
            state.allocations[p.uuid] = try client.get("/resource_providers/\(p.uuid)/allocations",
                                                       as: ProviderAllocations.self).allocations
        }
        return state
    }

    /// PUTs `traits` at `generation`; on a generation conflict re-reads the
    /// provider's traits and, unless they are already right, tries again
    /// with the fresh generation, a bounded number of times with a random
    /// pause. Another writer bumping a provider (an allocation elsewhere on
    /// it) costs one re-read, not the whole sync. False when nothing was written.
    private func putTraits(_ uuid: String, _ traits: [String], generation: Int,
                           into generations: inout [String: Int]) throws(PlacementError) -> Bool {
        var generation = generation
        for attempt in 1...maxAttempts {
            do {
                let answer = try client.write("PUT", "/resource_providers/\(uuid)/traits",
                                              ProviderTraits(generation: generation, traits: traits), as: ProviderTraits.self)
                generations[uuid] = answer.generation
                return true
            } catch let error where error.isConcurrentUpdate && attempt < maxAttempts {
                Self.pause(attempt)
                let now = try client.get("/resource_providers/\(uuid)/traits", as: ProviderTraits.self)
                generations[uuid] = now.generation
                if Set(now.traits) == Set(traits) { return false }
                generation = now.generation
            }
        }
        throw PlacementError.conflictsExhausted(attempts: maxAttempts)
    }

    /// As `putTraits`, for the provider's whole inventory.
    private func putInventories(_ uuid: String, _ inventories: [String: Inventory], generation: Int,
                                into generations: inout [String: Int]) throws(PlacementError) -> Bool {
        var generation = generation
        for attempt in 1...maxAttempts {
            do {
                let answer = try client.write("PUT", "/resource_providers/\(uuid)/inventories",
                                              ProviderInventories(generation: generation, inventories: inventories),
                                              as: ProviderInventories.self)
                generations[uuid] = answer.generation
                return true
            } catch let error where error.isConcurrentUpdate && attempt < maxAttempts {
                Self.pause(attempt)
                let now = try client.get("/resource_providers/\(uuid)/inventories", as: ProviderInventories.self)
                generations[uuid] = now.generation
                if Self.same(now.inventories, inventories) { return false }
                generation = now.generation
            }
        }
        throw PlacementError.conflictsExhausted(attempts: maxAttempts)
    }

    /// A random pause that doubles with each attempt (50–100 ms, then 100–200 ms, …).
    static func pause(_ attempt: Int) {
        let base = 0.05 * Double(1 << min(attempt - 1, 6))
        Thread.sleep(forTimeInterval: Double.random(in: base...(2 * base)))
    }

    private func consumerGeneration(_ consumer: String) throws(PlacementError) -> Int? {
        try client.get("/allocations/\(consumer)", as: ConsumerAllocations.self).consumerGeneration
    }

    /// Creates the custom traits and resource classes the tree uses that
    /// Placement does not know yet. True when it wrote.
    private func ensureCustomNames(_ desired: DesiredTree) throws(PlacementError) -> Bool {
        let traits = Set(desired.providers.flatMap(\.traits).filter { $0.hasPrefix("CUSTOM_") })
        let classes = Set(desired.providers.flatMap(\.inventories.keys).filter { $0.hasPrefix("CUSTOM_") })
        var wrote = false
        if !traits.isEmpty {
            let have = Set(try client.get("/traits?name=startswith:CUSTOM_", as: TraitList.self).traits)
            for t in traits.subtracting(have).sorted() {
                _ = try client.send("PUT", "/traits/\(t)")
                wrote = true
            }
        }
        if !classes.isEmpty {
            let have = Set(try client.get("/resource_classes", as: ResourceClassList.self).resourceClasses.map(\.name))
            for c in classes.subtracting(have).sorted() {
                _ = try client.send("PUT", "/resource_classes/\(c)")
                wrote = true
            }
        }
        return wrote
    }

    // MARK: - Helpers

    /// restrack publishes under a root only when it is restrack's.
    /// A child's UUID: derived from the root's and its name, so a provider
    /// whose creation was not followed by its trait (the sync was killed) is
    /// still known as restrack's.
    static func childUUID(root: String, name: String) -> String {
        StableUUID.make("restrack-provider:\(root):\(name)")
    }

    /// restrack's trait, or made by restrack before it could set it: the
    /// root whose UUID the ledger recorded before creating it, or a child
    /// whose UUID is the one restrack derives for its name.
    static func isOurs(_ p: ResourceProvider, traits: [String], rootUUID: String, recorded: String?) -> Bool {
        if traits.contains(PlacementNames.novaOwnerTrait) { return false }
        if traits.contains(PlacementNames.ownerTrait) { return true }
        if p.uuid == rootUUID { return recorded == rootUUID }
        return p.uuid == childUUID(root: rootUUID, name: p.name)
    }

    static func checkRoot(_ root: ResourceProvider, traits: [String], recorded: String?) throws(PlacementError) {
        if traits.contains(PlacementNames.novaOwnerTrait) {
            throw PlacementError.refused("provider \(root.name) (\(root.uuid)) carries \(PlacementNames.novaOwnerTrait): Nova reports this host; use `restrack placement audit` instead of sync, or another --name")
        }
        if !traits.contains(PlacementNames.ownerTrait) && root.uuid != recorded {
            throw PlacementError.refused("provider \(root.name) (\(root.uuid)) exists without \(PlacementNames.ownerTrait); restrack does not publish under a provider it did not create, give another --name")
        }
    }

    static func same(_ a: [String: Inventory], _ b: [String: Inventory]) -> Bool {
        guard Set(a.keys) == Set(b.keys) else { return false }
        return a.allSatisfy { rc, inv in b[rc].map { inv.matches($0) } ?? false }
    }

    static func describe(_ inventories: [String: Inventory]) -> String {
        inventories.sorted { $0.key < $1.key }.map { rc, inv in
            "\(rc) \(inv.total)" + (inv.reserved > 0 ? " (reserved \(inv.reserved))" : "")
        }.joined(separator: ", ")
    }

    static func describe(_ resources: [String: [String: Int]]) -> String {
        resources.sorted { $0.key < $1.key }.map { provider, res in
            provider + " " + res.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }.joined(separator: "; ")
    }

    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
