using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Brevo;

/// <summary>Compile-time JSON metadata for Brevo's bodies: Refit 16's generated clients read JSON through a context,
/// and the deleter reads Brevo's error code through it too.</summary>
[JsonSerializable(typeof(BrevoError))]
internal sealed partial class BrevoJsonContext : JsonSerializerContext;
