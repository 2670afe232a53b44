using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>The signature test vectors in contracts/ (shared with the Python plugin's tests), against the C# code.</summary>
public sealed class SignatureVectorTests
{
    private static readonly JsonNode Vectors = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Contracts, "signature-vectors.json")))!;

    public static TheoryData<string> SigningVectors => Names("signing");

    public static TheoryData<string> VerificationVectors => Names("verification");

    [Theory]
    [MemberData(nameof(SigningVectors))]
    public void Signing_produces_the_expected_header(string name)
    {
        var v = Find("signing", name);
        var signature = WebhookSignature.Sign(
            WebhookSecret.Parse(v["secret"]!.GetValue<string>()), v["id"]!.GetValue<string>(), v["timestamp"]!.GetValue<long>(),
            Encoding.UTF8.GetBytes(v["body"]!.GetValue<string>()));
        Assert.Equal(v["signature"]!.GetValue<string>(), signature);
    }

    [Theory]
    [MemberData(nameof(VerificationVectors))]
    public void Verification_gives_the_expected_verdict(string name)
    {
        var v = Find("verification", name);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(v["now"]!.GetValue<long>()));
        var secrets = v["secrets"]!.AsArray().Select(s => WebhookSecret.Parse(s!.GetValue<string>())).ToList();
        var verifier = new WebhookVerifier(secrets, TimeSpan.FromSeconds(Vectors["tolerance_seconds"]!.GetValue<int>()), clock);

        var verdict = verifier.Verify(
            v["id"]?.GetValue<string>(), v["timestamp"]?.GetValue<string>(), v["signature_header"]?.GetValue<string>(),
            Encoding.UTF8.GetBytes(v["body"]!.GetValue<string>()));

        Assert.Equal(v["expected"]!.GetValue<string>(), SnakeCase(verdict));
    }

    [Fact]
    public void The_vectors_cover_every_verdict()
    {
        var covered = Vectors["verification"]!.AsArray().Select(v => v!["expected"]!.GetValue<string>()).ToHashSet();
        Assert.All(Enum.GetValues<WebhookVerification>(), verdict => Assert.Contains(SnakeCase(verdict), covered));
    }

    private static string SnakeCase(WebhookVerification verdict) =>
        string.Concat(verdict.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static TheoryData<string> Names(string set)
    {
        var data = new TheoryData<string>();
        foreach (var v in Vectors[set]!.AsArray())
            data.Add(v!["name"]!.GetValue<string>());
        return data;
    }

    private static JsonNode Find(string set, string name) => Vectors[set]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == name)!;
}
