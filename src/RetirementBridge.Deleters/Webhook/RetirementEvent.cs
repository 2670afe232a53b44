using System.Globalization;
using System.Text.Json;

namespace RetirementBridge.Deleters.Webhook;

/// <summary>
/// The JSON body the webhook deleter sends, <c>{"type":"user.retire_lms_misc","timestamp":…,"data":{…}}</c>, in
/// snake_case like Open edX's own retirement events, so a receiver written for those reads it unchanged.
/// </summary>
internal static class RetirementEvent
{
    public const string Type = "user.retire_lms_misc";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private sealed record Envelope(string Type, string Timestamp, Data Data);

    private sealed record Data(
        string RetirementId, long LmsUserId, string Username, string Email, string? RetiredUsername, string? RetiredEmail, string Site);

    /// <summary>The exact bytes that are both signed and sent.</summary>
    public static byte[] Serialize(ErasureItem item, DateTimeOffset now)
    {
        var learner = item.Learner;
        var data = new Data(
            item.RetirementId,
            learner.LmsUserId,
            learner.Username,
            learner.Email,
            NullIfEmpty(learner.RetiredUsername),
            NullIfEmpty(learner.RetiredEmail),
            learner.Site);
        var timestamp = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return JsonSerializer.SerializeToUtf8Bytes(new Envelope(Type, timestamp, data), Json);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
