using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Braze;

/// <summary>Compile-time JSON metadata for Braze's bodies: Refit 16's generated clients read and write JSON through a context.</summary>
[JsonSerializable(typeof(BrazeDeleteRequest))]
[JsonSerializable(typeof(BrazeDeleteAnswer))]
internal sealed partial class BrazeJsonContext : JsonSerializerContext;
