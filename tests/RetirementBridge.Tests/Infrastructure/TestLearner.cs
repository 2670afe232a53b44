using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>A learner with an identity unique to one test, so a PII scan can look for exactly these strings.</summary>
public sealed record TestLearner(long LmsUserId, string Username, string Email, string RetiredUsername, string RetiredEmail, string Site)
{
    private static long _next = 40_000;

    public static TestLearner Create()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        return new TestLearner(
            Interlocked.Increment(ref _next),
            $"ada_lovelace_{tag}",
            // Mixed case on purpose: Mailchimp hashes the lower-cased address.
            $"Ada.Lovelace.{tag}@Example.EDU",
            $"retired__user_{tag}",
            $"retired__user_{tag}@retired.invalid",
            "courses.example.edu");
    }

    /// <summary>Every form in which this learner's identity could leak: as sent, lower-cased, URL-encoded, hashed.</summary>
    public IEnumerable<string> PiiForms()
    {
        yield return Email;
        yield return Email.ToLowerInvariant();
        yield return Uri.EscapeDataString(Email);
        yield return Username;
        yield return Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Email.ToLowerInvariant())));
    }

    public JsonObject Notification(string type = "user.retire_lms_misc") => new()
    {
        ["type"] = type,
        ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
        ["data"] = new JsonObject
        {
            ["lms_user_id"] = LmsUserId,
            ["username"] = Username,
            ["email"] = Email,
            ["retired_username"] = RetiredUsername,
            ["retired_email"] = RetiredEmail,
            ["site"] = Site,
            ["identity_source"] = "user_retirement_status",
        },
    };
}
