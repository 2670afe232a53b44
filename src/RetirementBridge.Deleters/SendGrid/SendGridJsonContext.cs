using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.SendGrid;

/// <summary>Compile-time JSON metadata for SendGrid's bodies: Refit 16's generated clients read and write JSON through a context.</summary>
[JsonSerializable(typeof(SendGridEmailSearch))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class SendGridJsonContext : JsonSerializerContext;
