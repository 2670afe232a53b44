using System.Net;
using System.Net.Sockets;
using System.Text;
using RetirementBridge.Deleters.Salesforce;
using RetirementBridge.Deleters.Testing;
using static RetirementBridge.Deleters.Tests.Salesforce.SalesforceFake;

namespace RetirementBridge.Deleters.Tests.Salesforce;

/// <summary>
/// What the deleter puts on the wire, read from a plain socket: WireMock decodes what it matches, so only the bytes
/// show how the SOQL is escaped (by SOQL's rules) and then URL-encoded, that the form carries the credentials, and that
/// the ids of a delete are joined by plain commas as Salesforce documents them.
/// </summary>
public sealed class SalesforceWireTests
{
    [Fact]
    public async Task The_hostile_test_address_is_escaped_for_SOQL_then_URL_encoded()
    {
        // Not a learner's address: a made-up one holding SOQL's two reserved characters, ' and \.
        const string email = "o'brien\\x@ex.com";
        await using var salesforce = RawHttpServer.Start(
            TokenAnswer,
            Answer(200, """{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Lead"},"Id":"00Q5g00000AbCdEAAA","Email":"o'brien\\x@ex.com"}]}"""),
            Answer(200, """{"totalSize":0,"done":true,"records":[]}"""),
            Answer(200, """[{"id":"00Q5g00000AbCdEAAA","success":true,"errors":[]}]"""));

        var outcome = await EraseAsync(salesforce.Url, email);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        var requests = salesforce.Requests;
        Assert.Equal(4, requests.Count);
        // SELECT Id, Email FROM Lead WHERE Email IN ('o\'brien\\x@ex.com')
        Assert.Equal(
            "GET /services/data/v62.0/query?q=SELECT%20Id%2C%20Email%20FROM%20Lead%20WHERE%20Email%20IN%20%28%27o%5C%27brien%5C%5Cx%40ex.com%27%29 HTTP/1.1",
            requests[1].RequestLine);
        Assert.Equal(
            "GET /services/data/v62.0/query?q=SELECT%20Id%2C%20Email%20FROM%20Contact%20WHERE%20Email%20IN%20%28%27o%5C%27brien%5C%5Cx%40ex.com%27%29 HTTP/1.1",
            requests[2].RequestLine);
        Assert.Equal("DELETE /services/data/v62.0/composite/sobjects?ids=00Q5g00000AbCdEAAA&allOrNone=false HTTP/1.1", requests[3].RequestLine);
        Assert.All(requests.Skip(1), r => Assert.Equal($"Bearer {AccessToken}", r.Header("Authorization")));
    }

    [Fact]
    public async Task The_token_request_is_the_client_credentials_form_without_an_authorization_header()
    {
        await using var salesforce = RawHttpServer.Start(
            TokenAnswer,
            Answer(200, """{"totalSize":0,"done":true,"records":[]}"""),
            Answer(200, """{"totalSize":0,"done":true,"records":[]}"""));

        var outcome = await EraseAsync(salesforce.Url, "jane.doe@example.com");

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        var token = salesforce.Requests[0];
        Assert.Equal("POST /services/oauth2/token HTTP/1.1", token.RequestLine);
        Assert.StartsWith("application/x-www-form-urlencoded", token.Header("Content-Type"));
        Assert.Null(token.Header("Authorization"));
        Assert.Equal($"grant_type=client_credentials&client_id={ClientId}&client_secret={ClientSecret}", token.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(token.Body), int.Parse(token.Header("Content-Length")!));
    }

    [Fact]
    public async Task A_mixed_case_address_is_asked_as_typed_and_lower_cased_and_the_ids_go_comma_separated()
    {
        await using var salesforce = RawHttpServer.Start(
            TokenAnswer,
            Answer(200, """{"totalSize":1,"done":true,"records":[{"Id":"00Q5g00000AbCdEAAA","Email":"jane.doe@example.com"}]}"""),
            Answer(200, """{"totalSize":1,"done":true,"records":[{"Id":"0035g00000XyZabAAA","Email":"Jane.Doe@Example.COM"}]}"""),
            Answer(200, """[{"id":"00Q5g00000AbCdEAAA","success":true,"errors":[]},{"id":"0035g00000XyZabAAA","success":true,"errors":[]}]"""));

        var outcome = await EraseAsync(salesforce.Url, SampleRetirement.Email);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        var requests = salesforce.Requests;
        Assert.EndsWith("WHERE%20Email%20IN%20%28%27Jane.Doe%40Example.COM%27%2C%20%27jane.doe%40example.com%27%29 HTTP/1.1", requests[1].RequestLine);
        Assert.Equal("DELETE /services/data/v62.0/composite/sobjects?ids=00Q5g00000AbCdEAAA,0035g00000XyZabAAA&allOrNone=false HTTP/1.1", requests[3].RequestLine);
    }

    [Theory]
    [InlineData("/salesforce-proxy/")]
    [InlineData("/salesforce-proxy")]
    public async Task A_base_url_with_a_path_keeps_it_in_front_of_Salesforces_paths(string prefix)
    {
        await using var salesforce = RawHttpServer.Start(
            TokenAnswer,
            Answer(200, """{"totalSize":0,"done":true,"records":[]}"""),
            Answer(200, """{"totalSize":0,"done":true,"records":[]}"""));

        await EraseAsync(salesforce.Url + prefix, "jane.doe@example.com");

        Assert.Equal("POST /salesforce-proxy/services/oauth2/token HTTP/1.1", salesforce.Requests[0].RequestLine);
        Assert.StartsWith("GET /salesforce-proxy/services/data/v62.0/query?q=", salesforce.Requests[1].RequestLine);
    }

    private static string TokenAnswer => Answer(200,
        $$"""{"access_token":"{{AccessToken}}","signature":"k3Jc9Y0m3k3e0QJrJdQv0mKx8Q2vJ7m9bQ1mGJ8m0ZQ=","scope":"api","instance_url":"https://acme.my.salesforce.com","id":"https://login.salesforce.com/id/00D5g000004XyzQEAS/0055g00000F1rstAAB","token_type":"Bearer","issued_at":"1795392000000"}""");

    private static async Task<DeletionOutcome> EraseAsync(string baseUrl, string email)
    {
        var item = SampleRetirement.Item(SampleRetirement.Learner(email: email));
        await using var kit = DeleterTestKit.Create(SalesforceDeleterTests.Register, Settings(baseUrl));
        var results = await kit.EraseAsync(SalesforceRegistration.Name, [item]);
        return SalesforceDeleterTests.AssertNothingSecret(results, [item]).For(item)!;
    }

    private static string Answer(int status, string json) =>
        $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\nContent-Type: application/json;charset=UTF-8\r\n" +
        $"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\nConnection: close\r\n\r\n{json}";
}

/// <summary>The SOQL itself: literals escaped by SOQL's rules, queries grouped to fit a URL.</summary>
public sealed class SalesforceSoqlTests
{
    [Theory]
    [InlineData("jane.doe@example.com", "'jane.doe@example.com'")]
    [InlineData("o'brien\\x@ex.com", "'o\\'brien\\\\x@ex.com'")]
    [InlineData("\\'", "'\\\\\\''")]
    [InlineData("\"quoted\"@ex.com", "'\"quoted\"@ex.com'")]
    public void A_literal_escapes_backslash_and_quote_with_a_backslash(string value, string literal) =>
        Assert.Equal(literal, SalesforceSoql.Literal(value));

    [Fact]
    public void The_query_asks_both_objects_fields_and_every_value_in_order()
    {
        Assert.Equal(
            "SELECT Id, Email FROM Contact WHERE Email IN ('A@x.org', 'a@x.org', 'o\\'b@x.org')",
            SalesforceSoql.FindByEmail("Contact", ["A@x.org", "a@x.org", "o'b@x.org"]));
    }

    [Theory]
    [InlineData("x') OR Email != ('y")]
    [InlineData("x\\') OR Email != ('y")]
    [InlineData("\\\\'), ('")]
    public void No_address_can_end_its_literal(string email)
    {
        var parsed = SalesforceFake.ParseFindByEmail(SalesforceSoql.FindByEmail("Lead", SalesforceSoql.Values(email)));

        Assert.NotNull(parsed);
        Assert.Equal("Lead", parsed.Value.Object);
        Assert.Equal(SalesforceSoql.Values(email), parsed.Value.Values);
    }

    [Theory]
    [InlineData("Jane.Doe@Example.COM", new[] { "Jane.Doe@Example.COM", "jane.doe@example.com" })]
    [InlineData(" jane.doe@example.com\t", new[] { "jane.doe@example.com" })]
    public void An_address_is_asked_as_typed_and_lower_cased(string email, string[] values) =>
        Assert.Equal(values, SalesforceSoql.Values(email));

    [Theory]
    [InlineData(null, "the learner has no email address")]
    [InlineData("", "the learner has no email address")]
    [InlineData("jane\r\n@example.com", "the learner's email address holds a control character (not an address Salesforce can hold)")]
    public void What_is_never_asked(string? email, string why) => Assert.Equal(why, SalesforceSoql.WhyNotQueryable(email));

    [Fact]
    public void An_address_longer_than_any_can_be_is_never_asked() =>
        Assert.Equal("the learner's email address is longer than 254 characters (not an address Salesforce can hold)",
            SalesforceSoql.WhyNotQueryable(new string('a', 250) + "@x.org"));

    [Fact]
    public void Groups_fit_the_url_budget_and_keep_every_address_once_in_order()
    {
        var emails = Enumerable.Range(1, 100).Select(n => $"{new string('b', 100)}.{n}'\\@Example.org").ToList();

        var groups = SalesforceSoql.Group("Contact", emails, maxEncodedLength: 2_000).ToList();

        Assert.True(groups.Count > 1);
        Assert.Equal(emails, groups.SelectMany(g => g));
        Assert.All(groups, g => Assert.InRange(Uri.EscapeDataString(SalesforceSoql.FindByEmail("Contact", g.SelectMany(SalesforceSoql.Values))).Length, 1, 2_000));
        // Each group is as full as the budget lets it be.
        Assert.All(groups.SkipLast(1).Zip(groups.Skip(1)), pair => Assert.True(
            Uri.EscapeDataString(SalesforceSoql.FindByEmail("Contact", pair.First.Append(pair.Second[0]).SelectMany(SalesforceSoql.Values))).Length > 2_000));
    }

    [Fact]
    public void A_typical_batch_is_one_group()
    {
        var emails = Enumerable.Range(1, 100).Select(n => $"Learner.{n}@Example.COM").ToList();

        Assert.Single(SalesforceSoql.Group("Contact", emails));
    }

    [Theory]
    [InlineData("/services/data/v62.0/query/01gRO0000016PIAYA2-500", "01gRO0000016PIAYA2-500")]
    [InlineData("/services/data/v67.0/query/01gD0000002HU6KIAW-2000", "01gD0000002HU6KIAW-2000")]
    [InlineData("https://evil.example/services/data/v62.0/query/01gRO0000016PIAYA2-500", null)]
    [InlineData("/services/data/v62.0/query/../sobjects/Account", null)]
    [InlineData("/services/data/v62.0/query/01gRO0000016PIAYA2-500?x=1", null)]
    [InlineData(null, null)]
    public void Only_a_query_locator_is_taken_from_nextRecordsUrl(string? nextRecordsUrl, string? locator) =>
        Assert.Equal(locator, SalesforceClient.QueryLocator(nextRecordsUrl));
}
