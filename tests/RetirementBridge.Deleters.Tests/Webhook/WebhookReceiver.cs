using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.Webhook;

/// <summary>An integrator's endpoint. The deleter is configured with a public-looking Url and reaches it through BaseUrl.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    /// <summary>The Standard Webhooks specification's example secret (24 key bytes).</summary>
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public const string Url = "https://hooks.integrator.example/erasure/retire?tenant=7";
    public const string ReceiverPath = "/erasure/retire";

    public WireMockServer Server { get; } = Loopback.StartFake();

    // Anything but the receiver's path answers 418, not WireMock's 404, which the deleter would rightly read as
    // "gone": a request to a wrong path must fail the test, not pass as success.
    public WebhookReceiver() =>
        Server.Given(Request.Create()).AtPriority(int.MaxValue).RespondWith(Response.Create().WithStatusCode(418));

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public void Answers(int status, string? retryAfter = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (retryAfter is not null)
            response = response.WithHeader("Retry-After", retryAfter);
        Server.Given(Request.Create().UsingPost().WithPath(ReceiverPath)).RespondWith(response);
    }

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Webhook:Enabled"] = "true",
        ["Deleters:Webhook:Url"] = Url,
        ["Deleters:Webhook:Secret"] = Secret,
        ["Deleters:Webhook:BaseUrl"] = baseUrl,
        ["Deleters:Webhook:Timeout"] = "00:00:10",
    };

    public static string Header(IRequestMessage request, string name) =>
        request.Headers!.Single(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).Value.Single();

    public void Dispose() => Server.Dispose();
}
