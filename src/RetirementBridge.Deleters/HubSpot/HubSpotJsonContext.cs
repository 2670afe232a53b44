using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.HubSpot;

/// <summary>Compile-time JSON metadata for HubSpot's bodies: Refit 16's generated clients read and write JSON through a context.</summary>
[JsonSerializable(typeof(HubSpotContact))]
[JsonSerializable(typeof(HubSpotGdprDelete))]
internal sealed partial class HubSpotJsonContext : JsonSerializerContext;
