using System.Net;
using System.Net.Sockets;
using System.Text;
using RetirementBridge.Deleters.Brevo;
using RetirementBridge.Deleters.Testing;

namespace RetirementBridge.Deleters.Tests.Brevo;

/// <summary>
/// What the deleter puts on the wire, read from a plain socket: WireMock decodes paths before matching (a request for
/// <c>%40</c> matches a mapping written with <c>@</c>, <c>%2B</c> arrives as a space), so it cannot tell whether the
/// address is escaped right. A wrong escape is a silent failure here: an unescaped <c>?</c> or <c>#</c> ends the path
/// early and pushes <c>identifierType=email_id</c> out of the query, an unescaped <c>/</c> makes another path, and
/// Brevo's 404 for a contact it then does not find would count the learner as gone.
/// </summary>
public sealed class BrevoPathTests
{
    [Theory]
    [InlineData("jane.doe@example.com", "jane.doe%40example.com")]
    [InlineData("jane+tag@example.org", "jane%2Btag%40example.org")]
    [InlineData("o'brien@example.ie", "o%27brien%40example.ie")]
    [InlineData("a/b@example.org", "a%2Fb%40example.org")]
    [InlineData("what?#x@example.org", "what%3F%23x%40example.org")]
    [InlineData("100%@example.org", "100%25%40example.org")]
    [InlineData("\"jane doe\"@example.org", "%22jane%20doe%22%40example.org")]
    [InlineData("a&b=c;d@example.org", "a%26b%3Dc%3Bd%40example.org")]
    [InlineData("{x}|y~z@example.org", "%7Bx%7D%7Cy~z%40example.org")]
    [InlineData("..@example.org", "..%40example.org")]
    [InlineData("josé@exämple.org", "jos%C3%A9%40ex%C3%A4mple.org")]
    public async Task The_address_is_one_escaped_path_segment_and_identifierType_stays_in_the_query(string email, string escaped)
    {
        await using var brevo = RawHttpServer.Start(NotFoundAnswer);

        var outcome = await EraseAsync(brevo.Url, email);

        var request = Assert.Single(brevo.Requests);
        Assert.Equal($"DELETE /v3/contacts/{escaped}?identifierType=email_id HTTP/1.1", request.RequestLine);
        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    [Theory]
    [InlineData("Jane.Doe@Example.COM", "jane.doe%40example.com", "Jane.Doe%40Example.COM")]
    [InlineData("José+News@Exämple.org", "jos%C3%A9%2Bnews%40ex%C3%A4mple.org", "Jos%C3%A9%2BNews%40Ex%C3%A4mple.org")]
    public async Task A_mixed_case_address_is_sent_lower_cased_then_as_typed(string email, string lower, string typed)
    {
        await using var brevo = RawHttpServer.Start(NotFoundAnswer, NotFoundAnswer);

        var outcome = await EraseAsync(brevo.Url, email);

        Assert.Equal(
            [$"DELETE /v3/contacts/{lower}?identifierType=email_id HTTP/1.1", $"DELETE /v3/contacts/{typed}?identifierType=email_id HTTP/1.1"],
            brevo.Requests.Select(r => r.RequestLine));
        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    [Fact]
    public async Task The_key_travels_in_the_api_key_header_only_and_the_request_has_no_body()
    {
        await using var brevo = RawHttpServer.Start(Answer(204, null));

        var outcome = await EraseAsync(brevo.Url, "jane.doe@example.com");

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        var request = Assert.Single(brevo.Requests);
        Assert.Equal(BrevoFake.ApiKey, request.Header("api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.True(request.Header("Content-Length") is null or "0");
        Assert.Equal("", request.Body);
    }

    [Theory]
    [InlineData("/brevo-proxy/")]
    [InlineData("/brevo-proxy")]
    public async Task A_base_url_with_a_path_keeps_it_in_front_of_Brevos_paths(string prefix)
    {
        await using var brevo = RawHttpServer.Start(NotFoundAnswer);

        await EraseAsync(brevo.Url + prefix, "jane.doe@example.com");

        Assert.Equal("DELETE /brevo-proxy/v3/contacts/jane.doe%40example.com?identifierType=email_id HTTP/1.1",
            Assert.Single(brevo.Requests).RequestLine);
    }

    [Fact]
    public async Task The_rate_limit_headers_are_read_as_Brevo_sends_them()
    {
        await using var brevo = RawHttpServer.Start(
            "HTTP/1.1 429 Too Many Requests\r\nx-sib-ratelimit-limit: 10\r\nx-sib-ratelimit-remaining: 0\r\nx-sib-ratelimit-reset: 42\r\n" +
            "Content-Length: 0\r\nConnection: close\r\n\r\n");

        var outcome = await EraseAsync(brevo.Url, "jane.doe@example.com");

        Assert.Equal(DeletionOutcomeKind.Transient, outcome.Kind);
        Assert.Equal(TimeSpan.FromSeconds(42), outcome.RetryAfter);
        Assert.Equal("HTTP 429 (limit 10 per window, 0 left)", outcome.Reason);
    }

    private static string NotFoundAnswer => Answer(404, """{"code":"document_not_found","message":"Contact does not exist"}""");

    private static async Task<DeletionOutcome> EraseAsync(string baseUrl, string email) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(
            BrevoDeleterTests.Register, BrevoFake.Settings(baseUrl), BrevoRegistration.Name,
            SampleRetirement.Item(SampleRetirement.Learner(email: email))));

    private static string Answer(int status, string? json)
    {
        var body = json ?? "";
        var type = json is null ? "" : "Content-Type: application/json; charset=utf-8\r\n";
        return $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\n{type}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
    }
}
