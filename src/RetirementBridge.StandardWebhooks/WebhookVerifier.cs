using System.Globalization;
using System.Security.Cryptography;

namespace RetirementBridge.StandardWebhooks;

/// <summary>Why a request's signature was not accepted. Each maps to a 401 with a reason the sender can act on.</summary>
public enum WebhookVerification
{
    Valid,
    MissingHeaders,
    MalformedTimestamp,
    TimestampTooOld,
    TimestampInFuture,
    MalformedSignature,
    NoMatchingSignature,
}

/// <summary>
/// Verifies Standard Webhooks requests against one or more secrets (several during a key rotation), accepting a
/// request when any <c>v1</c> signature in the header matches any secret. Comparisons are constant-time.
/// </summary>
public sealed class WebhookVerifier
{
    private readonly IReadOnlyList<WebhookSecret> _secrets;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _clock;

    public WebhookVerifier(IReadOnlyList<WebhookSecret> secrets, TimeSpan tolerance, TimeProvider clock)
    {
        _secrets = secrets;
        _tolerance = tolerance;
        _clock = clock;
    }

    /// <summary>The specification's default: a timestamp more than five minutes away is refused (replay protection).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    public bool HasSecrets => _secrets.Count > 0;

    public WebhookVerification Verify(string? id, string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
            return WebhookVerification.MissingHeaders;

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return WebhookVerification.MalformedTimestamp;

        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        if (now - seconds > _tolerance.TotalSeconds)
            return WebhookVerification.TimestampTooOld;
        if (seconds - now > _tolerance.TotalSeconds)
            return WebhookVerification.TimestampInFuture;

        var candidates = ParseSignatures(signatureHeader);
        if (candidates.Count == 0)
            return WebhookVerification.MalformedSignature;

        // Compute once per secret, then compare against every offered signature without stopping early on a match
        // position, so timing reveals nothing about which secret or which signature matched.
        var matched = false;
        foreach (var secret in _secrets)
        {
            var expected = WebhookSignature.Compute(secret, id, timestamp, body);
            foreach (var candidate in candidates)
                matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }
        return matched ? WebhookVerification.Valid : WebhookVerification.NoMatchingSignature;
    }

    /// <summary>The decoded <c>v1</c> signatures of a space-separated header; other versions and malformed entries are skipped.</summary>
    private static List<byte[]> ParseSignatures(string header)
    {
        var result = new List<byte[]>();
        foreach (var entry in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            if (comma <= 0 || entry[..comma] != WebhookSignature.Version)
                continue;
            var buffer = new byte[entry.Length];
            if (Convert.TryFromBase64String(entry[(comma + 1)..], buffer, out var written) && written == 32)
                result.Add(buffer[..written]);
        }
        return result;
    }
}
