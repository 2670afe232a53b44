using System.Security.Cryptography;
using System.Text;

namespace RetirementBridge.StandardWebhooks;

/// <summary>The three Standard Webhooks headers.</summary>
public static class WebhookHeaders
{
    public const string Id = "webhook-id";
    public const string Timestamp = "webhook-timestamp";
    public const string Signature = "webhook-signature";
}

/// <summary>
/// The <c>v1</c> signature scheme: base64 HMAC-SHA256 with the secret's key over <c>{id}.{timestamp}.{body}</c>,
/// where body is the raw request bytes, exactly as sent.
/// </summary>
public static class WebhookSignature
{
    public const string Version = "v1";

    /// <summary>The header value for one secret: <c>v1,&lt;base64&gt;</c>.</summary>
    public static string Sign(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body) =>
        $"{Version},{Convert.ToBase64String(Compute(secret, id, timestamp, body))}";

    public static byte[] Compute(WebhookSecret secret, string id, long timestamp, ReadOnlySpan<byte> body) =>
        Compute(secret, id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), body);

    /// <summary>The raw HMAC over the signed content. The timestamp is signed as the header text, exactly as sent
    /// (so "01614265330" does not match a signature made over "1614265330").</summary>
    public static byte[] Compute(WebhookSecret secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret.Key);
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
