using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Mailgun;

/// <summary>Compile-time JSON metadata for Mailgun's bodies: Refit 16's generated clients read JSON through a context.</summary>
[JsonSerializable(typeof(MailgunListPage))]
[JsonSerializable(typeof(MailgunListInfo))]
[JsonSerializable(typeof(MailgunMessage))]
[JsonSerializable(typeof(MailgunItemsPage))]
internal sealed partial class MailgunJsonContext : JsonSerializerContext;
