using System.Net;
using System.Net.Sockets;
using System.Text;
using RetirementBridge.Deleters.HubSpot;
using RetirementBridge.Deleters.Testing;

namespace RetirementBridge.Deleters.Tests.HubSpot;

/// <summary>
/// What the deleter puts on the wire, read from a plain socket: WireMock decodes paths before matching (a request for
/// <c>%40</c> matches a mapping written with <c>@</c>), so it cannot tell whether the email is escaped right. A wrong
/// escape is a silent failure here: an unescaped <c>?</c> or <c>#</c> in the address ends the path early and pushes
/// <c>idProperty=email</c> out of the query, and HubSpot then reads the address as a record id and answers 404,
/// which would count the learner as gone.
/// </summary>
public sealed class HubSpotPathTests
{
    [Theory]
    [InlineData("Jane.Doe@Example.COM", "jane.doe%40example.com")]
    [InlineData("jane+tag@example.org", "jane%2Btag%40example.org")]
    [InlineData("o'brien@example.ie", "o%27brien%40example.ie")]
    [InlineData("a/b@example.org", "a%2Fb%40example.org")]
    [InlineData("what?#x@example.org", "what%3F%23x%40example.org")]
    [InlineData("100%@example.org", "100%25%40example.org")]
    [InlineData("\"jane doe\"@example.org", "%22jane%20doe%22%40example.org")]
    [InlineData("a&b=c;d@example.org", "a%26b%3Dc%3Bd%40example.org")]
    [InlineData("{x}|y~z@example.org", "%7Bx%7D%7Cy~z%40example.org")]
    [InlineData("José@Exämple.org", "jos%C3%A9%40ex%C3%A4mple.org")]
    public async Task The_lookup_escapes_the_address_as_one_path_segment_and_keeps_idProperty_in_the_query(string email, string escaped)
    {
        await using var hubspot = RawHttpServer.Start(NotFoundAnswer);

        var outcome = await EraseAsync(hubspot.Url, email);

        var request = Assert.Single(hubspot.Requests);
        Assert.Equal($"GET /crm/v3/objects/contacts/{escaped}?idProperty=email HTTP/1.1", request.RequestLine);
        Assert.Equal($"Bearer {HubSpotFake.AccessToken}", request.Header("Authorization"));
        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    [Fact]
    public async Task The_gdpr_delete_body_is_exactly_the_documented_json_with_a_length()
    {
        await using var hubspot = RawHttpServer.Start(
            Answer(200, """{"id":"51","properties":{"email":"jane.doe@example.com","hs_object_id":"51"},"archived":false}"""),
            Answer(204, null));

        var outcome = await EraseAsync(hubspot.Url, SampleRetirement.Email);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(2, hubspot.Requests.Count);
        var deletion = hubspot.Requests[1];
        Assert.Equal("POST /crm/v3/objects/contacts/gdpr-delete HTTP/1.1", deletion.RequestLine);
        Assert.Equal($"Bearer {HubSpotFake.AccessToken}", deletion.Header("Authorization"));
        Assert.StartsWith("application/json", deletion.Header("Content-Type"));
        Assert.Null(deletion.Header("Transfer-Encoding"));
        Assert.Equal("""{"objectId":"jane.doe@example.com","idProperty":"email"}""", deletion.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(deletion.Body), int.Parse(deletion.Header("Content-Length")!));
    }

    [Theory]
    [InlineData("/hubspot-proxy/")]
    [InlineData("/hubspot-proxy")]
    public async Task A_base_url_with_a_path_keeps_it_in_front_of_HubSpots_paths(string prefix)
    {
        await using var hubspot = RawHttpServer.Start(NotFoundAnswer);

        await EraseAsync(hubspot.Url + prefix, SampleRetirement.Email);

        Assert.Equal("GET /hubspot-proxy/crm/v3/objects/contacts/jane.doe%40example.com?idProperty=email HTTP/1.1",
            Assert.Single(hubspot.Requests).RequestLine);
    }

    private static string NotFoundAnswer => Answer(404,
        """{"status":"error","message":"Object not found.  objectId are usually numeric.","correlationId":"5b0a4b8e-77c1-4b0f-9c53-2f1d6f0e9a11","context":{"id":["x"]},"category":"OBJECT_NOT_FOUND"}""");

    private static async Task<DeletionOutcome> EraseAsync(string baseUrl, string email) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(
            HubSpotDeleterTests.Register, HubSpotFake.Settings(baseUrl), HubSpotRegistration.Name,
            SampleRetirement.Item(SampleRetirement.Learner(email: email))));

    private static string Answer(int status, string? json)
    {
        var body = json is null ? "" : json;
        var type = json is null ? "" : "Content-Type: application/json;charset=utf-8\r\n";
        return $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\n{type}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
    }
}
