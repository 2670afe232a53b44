using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using RetirementBridge.Deleters.Testing;
using RetirementBridge.StandardWebhooks;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static RetirementBridge.Deleters.Tests.Webhook.WebhookReceiver;

namespace RetirementBridge.Deleters.Tests.Webhook;

public sealed class WebhookDeleterTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 15, 30, TimeSpan.Zero);

    private readonly WebhookReceiver _receiver = new();
    private readonly FakeTimeProvider _clock = new(Now);

    private DeleterTestKit CreateKit(Dictionary<string, string?>? settings = null) =>
        DeleterTestKit.Create(
            (services, configuration) =>
            {
                BuiltIn.Deleters(services, configuration);
                services.AddSingleton<TimeProvider>(_clock);
            },
            settings ?? _receiver.Settings());

    private async Task<DeletionOutcome> RunAsync(ErasureItem? notification = null, Dictionary<string, string?>? settings = null)
    {
        await using var kit = CreateKit(settings);
        return PersonalData.AssertNone(await kit.EraseAsync("webhook", notification ?? SampleRetirement.Item()));
    }

    private WebhookVerification Verify(IRequestMessage request, string secret = Secret) =>
        new WebhookVerifier([WebhookSecret.Parse(secret)], WebhookVerifier.DefaultTolerance, _clock).Verify(
            Header(request, WebhookHeaders.Id), Header(request, WebhookHeaders.Timestamp), Header(request, WebhookHeaders.Signature),
            request.BodyAsBytes);

    [Fact]
    public async Task Posts_a_signed_retirement_event_that_the_receiver_can_verify()
    {
        _receiver.Answers(204);
        var notification = SampleRetirement.Item(deliveryId: "dlv_01JD4", retirementId: "ret_77");

        var outcome = await RunAsync(notification);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        var request = Assert.Single(_receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(ReceiverPath, request.Path);
        Assert.Equal("tenant=7", request.RawQuery?.TrimStart('?'));
        Assert.Equal("application/json", Header(request, "Content-Type"));
        Assert.Equal("dlv_01JD4", Header(request, WebhookHeaders.Id));
        Assert.Equal($"{Now.ToUnixTimeSeconds()}", Header(request, WebhookHeaders.Timestamp));
        Assert.Equal(WebhookVerification.Valid, Verify(request));
        Assert.Equal(WebhookVerification.NoMatchingSignature, Verify(request, "whsec_" + Convert.ToBase64String(new byte[32])));

        using var body = JsonDocument.Parse(request.BodyAsBytes);
        Assert.Equal("user.retire_lms_misc", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("2026-11-23T10:15:30Z", body.RootElement.GetProperty("timestamp").GetString());
        var data = body.RootElement.GetProperty("data");
        Assert.Equal("ret_77", data.GetProperty("retirement_id").GetString());
        Assert.Equal(4242, data.GetProperty("lms_user_id").GetInt64());
        Assert.Equal(SampleRetirement.Username, data.GetProperty("username").GetString());
        Assert.Equal(SampleRetirement.Email, data.GetProperty("email").GetString());
        Assert.Equal("retired__user_2f0c1e", data.GetProperty("retired_username").GetString());
        Assert.Equal("retired__user_2f0c1e@retired.invalid", data.GetProperty("retired_email").GetString());
        Assert.Equal("courses.example.org", data.GetProperty("site").GetString());
    }

    [Fact]
    public async Task Missing_retired_identity_is_sent_as_null()
    {
        _receiver.Answers(200);
        var learner = SampleRetirement.Learner(retiredUsername: "", retiredEmail: "");

        await RunAsync(SampleRetirement.Item(learner));

        using var body = JsonDocument.Parse(Assert.Single(_receiver.Requests).BodyAsBytes);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("data").GetProperty("retired_username").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("data").GetProperty("retired_email").ValueKind);
    }

    [Fact]
    public async Task A_retry_carries_the_same_webhook_id_so_the_receiver_can_deduplicate()
    {
        _receiver.Server.Given(Request.Create().UsingPost().WithPath(ReceiverPath)).InScenario("retry").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(503));
        _receiver.Server.Given(Request.Create().UsingPost().WithPath(ReceiverPath)).InScenario("retry").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(200));
        await using var kit = CreateKit();

        var first = await kit.EraseAsync("webhook", SampleRetirement.Item(attempt: 1, deliveryId: "dlv_same"));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var second = await kit.EraseAsync("webhook", SampleRetirement.Item(attempt: 2, deliveryId: "dlv_same"));

        Assert.Equal(DeletionOutcomeKind.Transient, first.Kind);
        Assert.Equal(DeletionOutcomeKind.Deleted, second.Kind);
        Assert.Equal(2, _receiver.Requests.Count);
        Assert.All(_receiver.Requests, request => Assert.Equal("dlv_same", Header(request, WebhookHeaders.Id)));
        Assert.NotEqual(Header(_receiver.Requests[0], WebhookHeaders.Timestamp), Header(_receiver.Requests[1], WebhookHeaders.Timestamp));
        Assert.Equal(WebhookVerification.Valid, Verify(_receiver.Requests[1]));
    }

    [Theory]
    [InlineData(200, DeletionOutcomeKind.Deleted)]
    [InlineData(202, DeletionOutcomeKind.Deleted)]
    [InlineData(204, DeletionOutcomeKind.Deleted)]
    [InlineData(404, DeletionOutcomeKind.Gone)]
    [InlineData(410, DeletionOutcomeKind.Gone)]
    [InlineData(408, DeletionOutcomeKind.Transient)]
    [InlineData(425, DeletionOutcomeKind.Transient)]
    [InlineData(500, DeletionOutcomeKind.Transient)]
    [InlineData(503, DeletionOutcomeKind.Transient)]
    [InlineData(400, DeletionOutcomeKind.Permanent)]
    [InlineData(401, DeletionOutcomeKind.Permanent)]
    [InlineData(422, DeletionOutcomeKind.Permanent)]
    public async Task Maps_the_receivers_status(int status, DeletionOutcomeKind expected)
    {
        _receiver.Answers(status);

        var outcome = await RunAsync();

        Assert.Equal(expected, outcome.Kind);
    }

    [Fact]
    public async Task Too_many_requests_is_transient_and_honours_retry_after()
    {
        _receiver.Answers(429, retryAfter: "30");

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(30), outcome.RetryAfter);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_permanent()
    {
        // Followed, the POST would become a GET, and the 200 of whatever page it lands on would read as "deleted".
        _receiver.Server.Given(Request.Create().UsingPost().WithPath(ReceiverPath))
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "/login"));
        _receiver.Server.Given(Request.Create().UsingGet().WithPath("/login")).RespondWith(Response.Create().WithStatusCode(200));

        var outcome = await RunAsync();

        Assert.Equal(DeletionOutcomeKind.Permanent, outcome.Kind);
        Assert.Single(_receiver.Requests);
    }

    [Fact]
    public async Task Refused_connection_is_transient()
    {
        var outcome = await RunAsync(settings: WebhookReceiver.Settings(Loopback.RefusedUrl()));

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("connection failed", outcome.Reason);
    }

    [Fact]
    public async Task Receiver_slower_than_the_timeout_is_transient()
    {
        _receiver.Server.Given(Request.Create().UsingPost().WithPath(ReceiverPath))
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(30)));
        var settings = _receiver.Settings();
        settings["Deleters:Webhook:Timeout"] = "00:00:00.300";

        var outcome = await RunAsync(settings: settings);

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Contains("timed out", outcome.Reason);
    }

    public void Dispose() => _receiver.Dispose();
}
