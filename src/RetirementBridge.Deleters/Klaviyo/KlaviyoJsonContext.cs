using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Klaviyo;

/// <summary>Compile-time JSON metadata for Klaviyo's bodies: Refit 16's generated clients write JSON through a context.</summary>
[JsonSerializable(typeof(KlaviyoDeletionJobRequest))]
[JsonSerializable(typeof(KlaviyoErrorDocument))]
internal sealed partial class KlaviyoJsonContext : JsonSerializerContext;
