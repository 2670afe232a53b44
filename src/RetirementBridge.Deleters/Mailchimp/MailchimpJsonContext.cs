using System.Text.Json.Serialization;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>Compile-time JSON metadata for Mailchimp's bodies: Refit 16's generated clients read JSON through a context.</summary>
[JsonSerializable(typeof(MailchimpAudiencePage))]
internal sealed partial class MailchimpJsonContext : JsonSerializerContext;
