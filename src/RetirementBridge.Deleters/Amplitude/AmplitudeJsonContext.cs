using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>Compile-time JSON metadata for Amplitude's bodies: Refit 16's generated clients read and write JSON through a context.</summary>
[JsonSerializable(typeof(AmplitudeDeletionRequest))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class AmplitudeJsonContext : JsonSerializerContext;
