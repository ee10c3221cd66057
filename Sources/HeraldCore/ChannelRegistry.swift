/// The channels a process knows, by name: those clients send on, and Herald's own internal
/// ones (the events channel), which deliver stored messages but take nothing from clients.
public struct ChannelRegistry: Sendable {
    private let channels: [String: any DeliveryChannel]
    private let internalChannels: [String: any DeliveryChannel]

    public init(_ channels: [any DeliveryChannel], internalChannels: [any DeliveryChannel] = []) {
        self.channels = Dictionary(channels.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.internalChannels = Dictionary(internalChannels.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The channel clients name `name`, if any.
    public subscript(name: String) -> (any DeliveryChannel)? { channels[name] }

    /// The channel that delivers stored messages of channel `name`: a client's or Herald's own.
    public func delivering(_ name: String) -> (any DeliveryChannel)? {
        channels[name] ?? internalChannels[name]
    }

    /// Every name clients may use, sorted.
    public var names: [String] { channels.keys.sorted() }
}
