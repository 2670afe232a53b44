using System.Text.Json;
using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>Compile-time JSON metadata for Customer.io's bodies: Refit 16's generated clients read JSON through a context.</summary>
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(CustomerIoEmptyBody))]
internal sealed partial class CustomerIoJsonContext : JsonSerializerContext;
