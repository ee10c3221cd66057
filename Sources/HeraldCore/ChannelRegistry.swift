/// The channels a process knows, by name.
public struct ChannelRegistry: Sendable {
    private let channels: [String: any DeliveryChannel]

    public init(_ channels: [any DeliveryChannel]) {
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The channel named `name`, if any.
    public subscript(name: String) -> (any DeliveryChannel)? { channels[name] }

    /// Every known name, sorted.
    public var names: [String] { channels.keys.sorted() }
}
