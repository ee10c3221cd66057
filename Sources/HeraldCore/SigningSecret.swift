import Foundation

/// Standard Webhooks signing secrets as Herald makes them.
public enum SigningSecret {
    /// A new random secret: `whsec_` and the base64 of 24 bytes from the system's
    /// cryptographically secure generator (`getrandom` on Linux).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<24).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "whsec_" + Data(bytes).base64EncodedString()
    }
}
