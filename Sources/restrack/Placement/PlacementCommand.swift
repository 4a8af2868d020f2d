import ArgumentParser

/// `restrack placement …`: publish this host to OpenStack Placement, show
/// what Placement holds for it, audit a host Nova reports.
struct PlacementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placement",
        abstract: "Publish the host and its claims to OpenStack Placement, or show what Placement holds.",
        discussion: """
            sync publishes the host as nested resource providers (a root, one child per NUMA cell, page-size \
            and PCI children under the cells) and every live claim as an allocation; show prints the tree with \
            inventories and usages; audit compares a Nova host's allocations with its libvirt domains. Exit 1 when Placement fails or refuses, 2 for bad usage.
            """,
        subcommands: [PlacementSyncCommand.self, PlacementShowCommand.self, PlacementAuditCommand.self])
}
