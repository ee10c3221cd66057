import HeraldCore

/// Chooses a message's channel and sender profile at ingest: the profile it names; else the one
/// its `outlet_id` is bound to; else the tenant's default for its channel. A message that names
/// no channel takes its profile's (or bound outlet's) channel, else the server's default. A
/// channel that cannot send without a profile and finds none is a problem named `profile`.
struct ProfileChoice {
    var channel: (any DeliveryChannel)?
    var profile: SenderProfile?
    var problems: [FieldProblem] = []

    static func choose(
        for request: MessageRequest,
        among profiles: [SenderProfile],
        defaultChannel: String,
        channels: ChannelRegistry
    ) -> ProfileChoice {
        var choice = ProfileChoice()
        var channelName = request.channel
        if let name = request.profile {
            guard let named = profiles.first(where: { $0.name == name }) else {
                choice.problems.append(FieldProblem(field: "profile", code: "unknown_profile", problem: "this tenant has no profile named '\(name)'"))
                return choice
            }
            if let asked = channelName, asked != named.channel {
                choice.problems.append(FieldProblem(
                    field: "profile", code: "channel_mismatch", problem: "profile '\(name)' sends on \(named.channel), not \(asked)"
                ))
                return choice
            }
            choice.profile = named
            channelName = named.channel
        } else if let outlet = request.outletID {
            let bound = profiles.filter { $0.outletIDs.contains(outlet) && (channelName == nil || $0.channel == channelName) }
            if bound.count == 1 {
                choice.profile = bound[0]
            } else if bound.count > 1 {
                // Bound on several channels and none named: the server's default channel decides.
                choice.profile = bound.first { $0.channel == defaultChannel }
                if choice.profile == nil {
                    choice.problems.append(FieldProblem(
                        field: "channel", code: "ambiguous_channel",
                        problem: "outlet \(outlet) has profiles on \(bound.map(\.channel).sorted().joined(separator: ", ")); name the channel"
                    ))
                    return choice
                }
            }
            channelName = channelName ?? choice.profile?.channel
        }
        let name = channelName ?? defaultChannel
        guard let channel = channels[name] else {
            choice.problems.append(FieldProblem(
                field: "channel", code: "unknown_channel", problem: "unknown channel '\(name)'; known: \(channels.names.joined(separator: ", "))"
            ))
            return choice
        }
        choice.channel = channel
        if choice.profile == nil {
            choice.profile = profiles.first { $0.channel == name && $0.isDefault }
        }
        if choice.profile == nil, channel.requiresProfile {
            choice.problems.append(FieldProblem(
                field: "profile", code: "missing_profile",
                problem: "this tenant has no \(name) profile for this message: name one with profile, bind its outlet_id, or make one the default"
            ))
        }
        return choice
    }
}
