using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RetirementBridge.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>
/// The whole catalog in one bridge: every built-in deleter enabled together against its provider's fake (real paths and
/// answers), and the asynchronous providers' jobs followed to the end through the bridge's own dispatcher.
/// </summary>
public sealed class CatalogTests : IAsyncDisposable
{
    private const string RegulateId = "1qJkfE1tpwvQcklImGksLN629wn";

    private readonly WireMockServer _mailchimp = Start(), _webhook = Start(), _braze = Start(), _hubspot = Start(), _segment = Start(), _amplitude = Start(),
        _sendgrid = Start(), _brevo = Start(), _mailgun = Start(), _salesforce = Start(), _klaviyo = Start(), _customerio = Start();

    private WireMockServer[] Fakes => [_mailchimp, _webhook, _braze, _hubspot, _segment, _amplitude, _sendgrid, _brevo, _mailgun, _salesforce, _klaviyo, _customerio];

    /// <summary>Every built-in deleter's stable name, and its section.</summary>
    private static readonly (string Name, string Section)[] Catalog =
    [
        ("amplitude", "Amplitude"), ("braze", "Braze"), ("brevo", "Brevo"), ("customerio", "CustomerIo"), ("hubspot", "HubSpot"),
        ("klaviyo", "Klaviyo"), ("mailchimp", "Mailchimp"), ("mailgun", "Mailgun"), ("salesforce", "Salesforce"), ("segment", "Segment"),
        ("sendgrid", "SendGrid"), ("webhook", "Webhook"),
    ];

    private Dictionary<string, string?> EveryDeleter() => Merge(Mailchimp(_mailchimp), Webhook(_webhook), Braze(_braze), HubSpot(_hubspot),
        Segment(_segment), Amplitude(_amplitude), SendGrid(_sendgrid), Brevo(_brevo), Mailgun(_mailgun), Salesforce(_salesforce), Klaviyo(_klaviyo),
        CustomerIo(_customerio));

    private static IResponseBuilder Json(int status, string body, string type = "application/json") =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", type).WithBody(body);

    private void ArrangeEveryProviderErases(TestLearner learner)
    {
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        _braze.Given(Request.Create().UsingPost().WithPath("/users/delete").WithHeader("Authorization", $"Bearer {BrazeKey}"))
            .RespondWith(Json(201, """{"deleted": 1, "message": "success"}"""));
        var email = learner.Email.ToLowerInvariant();
        _hubspot.Given(Request.Create().UsingGet().WithPath($"/crm/v3/objects/contacts/{email}").WithParam("idProperty", "email"))
            .RespondWith(Json(200, """{"id": "51", "properties": {"hs_object_id": "51"}, "archived": false}"""));
        _hubspot.Given(Request.Create().UsingPost().WithPath("/crm/v3/objects/contacts/gdpr-delete"))
            .RespondWith(Response.Create().WithStatusCode(204));
        _segment.Given(Request.Create().UsingPost().WithPath("/regulations"))
            .RespondWith(Json(200, $$$"""{"data": {"regulateId": "{{{RegulateId}}}"}}""", "application/vnd.segment.v1+json"));
        RegulationAnswers("FINISHED");
        _amplitude.Given(Request.Create().UsingPost().WithPath("/api/2/deletions/users"))
            .RespondWith(Json(200, """[{"day": "2026-12-05", "status": "staging", "amplitude_ids": [{"amplitude_id": 71, "requested_on_day": "2026-11-23", "requester": "retirement-bridge"}]}]"""));
        _amplitude.Given(Request.Create().UsingGet().WithPath("/api/2/deletions/users"))
            .RespondWith(Json(200, """[{"day": "2026-12-05", "status": "done", "amplitude_ids": [{"amplitude_id": 71, "requested_on_day": "2026-11-23", "requester": "retirement-bridge"}]}]"""));
        ArrangeTheNewerProvidersErase(learner, email);
    }

    /// <summary>SendGrid, Brevo, Mailgun, Salesforce, Klaviyo and Customer.io, each with its documented success answers.</summary>
    private void ArrangeTheNewerProvidersErase(TestLearner learner, string email)
    {
        _sendgrid.Given(Request.Create().UsingPost().WithPath("/v3/marketing/contacts/search/emails"))
            .RespondWith(Json(200, new JsonObject { ["result"] = new JsonObject { [email] = new JsonObject
                { ["contact"] = new JsonObject { ["id"] = "0f9d3c1a-contact", ["email"] = email, ["alternate_emails"] = new JsonArray() } } } }.ToJsonString()));
        _sendgrid.Given(Request.Create().UsingDelete().WithPath("/v3/marketing/contacts").WithParam("ids", "0f9d3c1a-contact"))
            .RespondWith(Json(202, """{"job_id": "2387e363-job"}"""));
        _sendgrid.Given(Request.Create().UsingGet().WithPath("/v3/marketing/contacts/imports/2387e363-job"))
            .RespondWith(Json(200, """{"id": "2387e363-job", "status": "completed", "job_type": "delete", "results": {"requested_count": 1, "deleted_count": 1}}"""));
        _brevo.Given(Request.Create().UsingDelete().WithPath(new WireMock.Matchers.WildcardMatcher("/v3/contacts/*")))
            .RespondWith(Response.Create().WithStatusCode(204));
        _mailgun.Given(Request.Create().UsingDelete().WithPath(new WireMock.Matchers.WildcardMatcher($"/v3/lists/{MailgunList}/members/*")))
            .RespondWith(Json(200, $$$"""{"member": {"address": "{{{email}}}"}, "message": "Mailing list member has been deleted"}"""));
        _salesforce.Given(Request.Create().UsingPost().WithPath("/services/oauth2/token"))
            .RespondWith(Json(200, $$$"""{"access_token": "00D5g!salesforce-token", "instance_url": "{{{_salesforce.Url}}}", "token_type": "Bearer", "issued_at": "1795392000000"}"""));
        _salesforce.Given(Request.Create().UsingGet().WithPath("/services/data/v62.0/query").WithParam("q", new WireMock.Matchers.WildcardMatcher("*FROM Lead*")))
            .RespondWith(Json(200, $$$"""{"totalSize": 1, "done": true, "records": [{"attributes": {"type": "Lead", "url": "/services/data/v62.0/sobjects/Lead/00Q5g00000AbCdEFGH"}, "Id": "00Q5g00000AbCdEFGH", "Email": "{{{email}}}"}]}"""));
        _salesforce.Given(Request.Create().UsingGet().WithPath("/services/data/v62.0/query").WithParam("q", new WireMock.Matchers.WildcardMatcher("*FROM Contact*")))
            .RespondWith(Json(200, """{"totalSize": 0, "done": true, "records": []}"""));
        _salesforce.Given(Request.Create().UsingDelete().WithPath("/services/data/v62.0/composite/sobjects"))
            .RespondWith(Json(200, """[{"id": "00Q5g00000AbCdEFGH", "success": true, "errors": []}]"""));
        _klaviyo.Given(Request.Create().UsingPost().WithPath("/api/data-privacy-deletion-jobs")).RespondWith(Response.Create().WithStatusCode(202));
        _customerio.Given(Request.Create().UsingDelete().WithPath($"/api/v1/customers/{learner.LmsUserId}")).RespondWith(Json(200, "{}"));
    }

    /// <summary><c>GET /regulations/{id}</c> answers these statuses in turn, the last one for good.</summary>
    private void RegulationAnswers(params string[] statuses)
    {
        _segment.ResetMappings();
        _segment.Given(Request.Create().UsingPost().WithPath("/regulations"))
            .RespondWith(Json(200, $$$"""{"data": {"regulateId": "{{{RegulateId}}}"}}""", "application/vnd.segment.v1+json"));
        for (var i = 0; i < statuses.Length; i++)
        {
            var check = _segment.Given(Request.Create().UsingGet().WithPath($"/regulations/{RegulateId}"));
            // One answer needs no scenario (WireMock answers 500 to a scenario step that neither needs nor sets a state).
            if (statuses.Length > 1)
                check = check.InScenario("regulation");
            // Steps are numbered: the same status twice in a row must still be two steps.
            if (i > 0)
                check = check.WhenStateIs($"step {i}");
            if (i < statuses.Length - 1)
                check = check.WillSetStateTo($"step {i + 1}");
            var regulation = new JsonObject
            {
                ["id"] = RegulateId, ["workspaceId"] = "9aQ1Lj62S4bomZKLF4DPqW", ["overallStatus"] = statuses[i],
                ["createdAt"] = "2026-11-23T10:00:00Z", ["streamStatus"] = new JsonArray(),
            };
            check.RespondWith(Json(200, new JsonObject { ["data"] = new JsonObject { ["regulation"] = regulation } }.ToJsonString(),
                "application/vnd.segment.v1+json"));
        }
    }

    [Fact]
    public async Task All_twelve_deleters_enabled_together_erase_the_learner_and_the_bridge_then_forgets_them()
    {
        await using var bridge = await TestBridge.StartAsync(EveryDeleter());
        var learner = bridge.NewLearner();
        ArrangeEveryProviderErases(learner);

        var id = await bridge.RetireAsync(learner);
        foreach (var (deleter, _) in Catalog)
            await bridge.WaitForDeliveryAsync(id, deleter, "succeeded");

        var retirement = await Eventually.GetAsync(() => bridge.GetRetirementAsync(id),
            r => r["personal_data_erased"]!.GetValue<bool>(), "the identity to be purged");
        Assert.Equal(Catalog.Length, retirement["deliveries"]!.AsArray().Count);
        Assert.All(Fakes, fake => Assert.NotEmpty(fake.LogEntries));
        Assert.Equal(RegulateId, TestBridge.Delivery(retirement, "segment")["provider_reference"]!.GetValue<string>());
        Assert.Equal("amplitude job 2026-12-05", TestBridge.Delivery(retirement, "amplitude")["provider_reference"]!.GetValue<string>());
        bridge.AssertNoPiiIn(retirement.ToJsonString(), "the admin API");
        Assert.Single(_braze.LogEntries);
    }

    [Fact]
    public async Task A_dry_run_of_all_twelve_deleters_lists_twelve_planned_calls_and_sends_nothing()
    {
        var settings = EveryDeleter();
        foreach (var (_, section) in Catalog)
            settings[$"Deleters:{section}:DryRun"] = "true";
        await using var bridge = await TestBridge.StartAsync(settings);
        var learner = bridge.NewLearner();

        var id = await bridge.RetireAsync(learner);
        foreach (var (deleter, _) in Catalog)
            await bridge.WaitForDeliveryAsync(id, deleter, "dry_run");

        var planned = (await bridge.GetRetirementAsync(id))["deliveries"]!.AsArray()
            .Select(d => d!["last_error"]!.GetValue<string>()).ToList();
        Assert.Equal(12, planned.Count);
        Assert.All(planned, plan => Assert.StartsWith("dry run: would erase 1 learner(s) in one call: ", plan));
        Assert.Equal(12, planned.Distinct().Count()); // each says its own provider's request
        bridge.AssertNoPiiIn(string.Join("\n", planned), "the planned calls");
        Assert.All(Fakes, fake => Assert.Empty(fake.LogEntries));
    }

    [Fact]
    public async Task A_Segment_regulation_is_followed_until_it_finishes_and_only_then_succeeds()
    {
        await using var bridge = await TestBridge.StartAsync(Segment(_segment));
        RegulationAnswers("INITIALIZED", "RUNNING", "RUNNING", "FINISHED");
        var id = await bridge.RetireAsync(bridge.NewLearner());

        // Each answer the provider gave is seen by the operator while the job runs.
        await bridge.WaitForDeliveryAsync(id, "segment", "waiting_on_provider");
        var finished = await bridge.WaitForDeliveryAsync(id, "segment", "succeeded");
        Assert.Equal(1, finished["attempts"]!.GetValue<int>()); // the checks used no retry attempt
        Assert.Equal(4, finished["job_checks"]!.GetValue<int>());
        var checks = _segment.LogEntries.Count(e => e.RequestMessage.Method == "GET");
        Assert.Equal(4, checks);
        Assert.Single(_segment.LogEntries, e => e.RequestMessage.Method == "POST");
        var waited = bridge.Logs.Lines.Where(line => line.Contains("job check") && line.Contains("waiting_on_provider")).ToList();
        Assert.Equal(3, waited.Count);
        Assert.Contains(waited, line => line.Contains("job RUNNING"));
    }

    [Fact]
    public async Task A_failed_Segment_regulation_is_dead_and_listed_for_the_operator()
    {
        await using var bridge = await TestBridge.StartAsync(Segment(_segment));
        RegulationAnswers("RUNNING", "FAILED");
        var id = await bridge.RetireAsync(bridge.NewLearner());

        var dead = await bridge.WaitForDeliveryAsync(id, "segment", "dead");
        Assert.Contains("FAILED", dead["last_error"]!.GetValue<string>());
        var listed = await bridge.Admin.GetFromJsonAsync<JsonNode>("/v1/deliveries?status=dead&deleter=segment");
        Assert.Equal(dead["delivery_id"]!.GetValue<string>(), Assert.Single(listed!["deliveries"]!.AsArray())!["delivery_id"]!.GetValue<string>());
        // A failed erasure keeps the identity: the operator replays it or closes it.
        Assert.False((await bridge.GetRetirementAsync(id))["personal_data_erased"]!.GetValue<bool>());
    }

    public ValueTask DisposeAsync()
    {
        foreach (var fake in Fakes)
            fake.Stop();
        return ValueTask.CompletedTask;
    }
}
