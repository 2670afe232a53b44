using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Segment;

/// <summary>Compile-time JSON metadata for Segment's bodies: Refit 16's generated clients read and write JSON through a context.</summary>
[JsonSerializable(typeof(SegmentCreateRegulationRequest))]
[JsonSerializable(typeof(SegmentCreatedRegulationAnswer))]
[JsonSerializable(typeof(SegmentRegulationAnswer))]
internal sealed partial class SegmentJsonContext : JsonSerializerContext;
