using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>Compile-time JSON metadata for Salesforce's bodies: Refit 16's generated clients read JSON through a context.</summary>
[JsonSerializable(typeof(SalesforceToken))]
[JsonSerializable(typeof(SalesforceQueryResult))]
[JsonSerializable(typeof(List<SalesforceDeleteResult>))]
internal sealed partial class SalesforceJsonContext : JsonSerializerContext;
