namespace RetirementBridge.StandardWebhooks;

/// <summary>
/// A Standard Webhooks signing secret: <c>whsec_</c> followed by the base64 of the key bytes. Its
/// <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class WebhookSecret
{
    public const string Prefix = "whsec_";

    private WebhookSecret(byte[] key) => Key = key;

    /// <summary>The HMAC key: the base64-decoded part after the prefix.</summary>
    public byte[] Key { get; }

    /// <summary>Parses a <c>whsec_…</c> secret; false (with a reason that does not echo the secret) when malformed.</summary>
    public static bool TryParse(string? text, out WebhookSecret? secret, out string? problem)
    {
        secret = null;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty";
            return false;
        }
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            problem = $"does not start with {Prefix}";
            return false;
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(text[Prefix.Length..]);
        }
        catch (FormatException)
        {
            problem = $"is not {Prefix} followed by base64";
            return false;
        }
        // The specification asks for 24 to 64 random bytes; the LMS plugin refuses shorter keys too.
        if (key.Length < 24)
        {
            problem = "has a key shorter than 24 bytes";
            return false;
        }
        secret = new WebhookSecret(key);
        return true;
    }

    public static WebhookSecret Parse(string text) =>
        TryParse(text, out var secret, out var problem) ? secret! : throw new FormatException($"The webhook secret {problem}.");

    public override string ToString() => $"{Prefix}***";
}
