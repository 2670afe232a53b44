using System.Security.Cryptography;
using System.Text;

namespace RetirementBridge.Admin;

/// <summary>
/// The admin tokens in force. Replaced whole when the configuration changes (a rotation needs no restart). Each token
/// is known by its fingerprint, <c>admin-token:</c> plus the first 8 hex digits of its SHA-256, which is what records
/// name as "who" without storing the token.
/// </summary>
public sealed class AdminTokens
{
    private volatile Entry[] _entries;

    public AdminTokens(IEnumerable<string> tokens) => _entries = ToEntries(tokens);

    public bool IsEmpty => _entries.Length == 0;

    public int Count => _entries.Length;

    public void Replace(IEnumerable<string> tokens) => _entries = ToEntries(tokens);

    /// <summary>The fingerprint of the matching token, or null. Compares every token as a SHA-256 digest, in constant
    /// time, so neither timing nor length reveals anything.</summary>
    public string? Match(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? matched = null;
        foreach (var entry in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(entry.Digest, digest))
                matched = entry.Fingerprint;
        }
        return matched;
    }

    public static string Fingerprint(string token) => Fingerprint(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Fingerprint(byte[] digest) => "admin-token:" + Convert.ToHexStringLower(digest)[..8];

    private static Entry[] ToEntries(IEnumerable<string> tokens) =>
        tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).Select(d => new Entry(d, Fingerprint(d))).ToArray();

    private sealed record Entry(byte[] Digest, string Fingerprint);
}
