using System.Net;
using System.Net.Sockets;
using System.Text;
using RetirementBridge.Deleters.Mailgun;
using RetirementBridge.Deleters.Testing;

namespace RetirementBridge.Deleters.Tests.Mailgun;

/// <summary>
/// What the deleter puts on the wire, read from a plain socket: WireMock decodes paths before matching (a request for
/// <c>%40</c> matches a mapping written with <c>@</c>), so it cannot tell whether an address is escaped right. A wrong
/// escape is a silent failure with Mailgun: an unescaped <c>/</c>, <c>?</c> or <c>#</c> in the address changes which
/// resource the DELETE names, and the resulting 404 would count the learner as gone.
/// </summary>
public sealed class MailgunWireTests
{
    private const string List = MailgunFake.News;
    private const string ListInPath = "news%40mg.example.org";

    [Theory]
    [InlineData("jane.doe@example.com", "jane.doe%40example.com")]
    [InlineData("jane+tag@example.org", "jane%2Btag%40example.org")]
    [InlineData("o'brien@example.ie", "o%27brien%40example.ie")]
    [InlineData("a/b@example.org", "a%2Fb%40example.org")]
    [InlineData("../../domains@example.org", "..%2F..%2Fdomains%40example.org")]
    [InlineData("what?#x@example.org", "what%3F%23x%40example.org")]
    [InlineData("100%@example.org", "100%25%40example.org")]
    [InlineData("\"jane doe\"@example.org", "%22jane%20doe%22%40example.org")]
    [InlineData("a&b=c;d@example.org", "a%26b%3Dc%3Bd%40example.org")]
    [InlineData("josé@exämple.org", "jos%C3%A9%40ex%C3%A4mple.org")]
    public async Task A_member_removal_escapes_the_list_and_the_address_as_one_path_segment_each(string email, string escaped)
    {
        await using var mailgun = RawHttpServer.Start(NotFound("Member not found"), ListFound);

        var outcome = await EraseAsync(MailgunFake.Settings(mailgun.Url, lists: [List]), email);

        Assert.Equal(
            [$"DELETE /v3/lists/{ListInPath}/members/{escaped} HTTP/1.1", $"GET /v3/lists/{ListInPath} HTTP/1.1"],
            mailgun.Requests.Select(r => r.RequestLine));
        Assert.All(mailgun.Requests, r => Assert.Equal(MailgunFake.Authorization, r.Header("Authorization")));
        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    [Fact]
    public async Task A_mixed_case_address_is_removed_as_typed_and_lower_cased()
    {
        await using var mailgun = RawHttpServer.Start(NotFound("Member not found"), MemberDeleted, ListFound);

        var outcome = await EraseAsync(MailgunFake.Settings(mailgun.Url, lists: [List]), SampleRetirement.Email);

        Assert.Equal(
        [
            $"DELETE /v3/lists/{ListInPath}/members/Jane.Doe%40Example.COM HTTP/1.1",
            $"DELETE /v3/lists/{ListInPath}/members/jane.doe%40example.com HTTP/1.1",
        ], mailgun.Requests.Select(r => r.RequestLine));
        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Fact]
    public async Task Suppression_removals_and_the_domain_check_name_the_domain_and_the_escaped_address()
    {
        await using var mailgun = RawHttpServer.Start(
            NotFound("Member not found"), ListFound,
            NotFound("Address not found in unsubscribers table"), DomainFound,
            NotFound("Address not found in bounces table"),
            NotFound("No spam complaints found for this address"));

        var outcome = await EraseAsync(MailgunFake.Settings(mailgun.Url, lists: [List], domains: [MailgunFake.Domain]), "jane+tag@example.org");

        Assert.Equal(
        [
            $"DELETE /v3/lists/{ListInPath}/members/jane%2Btag%40example.org HTTP/1.1",
            $"GET /v3/lists/{ListInPath} HTTP/1.1",
            "DELETE /v3/mg.example.org/unsubscribes/jane%2Btag%40example.org HTTP/1.1",
            "GET /v3/mg.example.org/unsubscribes?limit=1 HTTP/1.1",
            "DELETE /v3/mg.example.org/bounces/jane%2Btag%40example.org HTTP/1.1",
            "DELETE /v3/mg.example.org/complaints/jane%2Btag%40example.org HTTP/1.1",
        ], mailgun.Requests.Select(r => r.RequestLine));
        Assert.All(mailgun.Requests, r => Assert.Equal(MailgunFake.Authorization, r.Header("Authorization")));
        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
    }

    [Fact]
    public async Task The_listing_follows_paging_next_on_the_configured_host_never_the_one_the_answer_names()
    {
        // Mailgun's paging.next is an absolute URL on its own host: followed as is, it would take the key elsewhere
        // (here, away from the proxy the operator configured).
        await using var mailgun = RawHttpServer.Start(
            Answer(200, $$$"""{"items":[{"address":"{{{List}}}","name":"","members_count":2}],"paging":{"first":"https://api.mailgun.net/v3/lists/pages?page=first&limit=100","last":"https://api.mailgun.net/v3/lists/pages?page=last&limit=100","next":"https://api.mailgun.net/v3/lists/pages?page=next&address=news%40mg.example.org&limit=100","previous":"https://api.mailgun.net/v3/lists/pages?page=prev&address=news%40mg.example.org&limit=100"}}"""),
            Answer(200, """{"items":[],"paging":{"first":"https://api.mailgun.net/v3/lists/pages?page=first&limit=100","last":"https://api.mailgun.net/v3/lists/pages?page=last&limit=100","next":"https://api.mailgun.net/v3/lists/pages?page=next&address=news%40mg.example.org&limit=100","previous":"https://api.mailgun.net/v3/lists/pages?page=prev&address=news%40mg.example.org&limit=100"}}"""),
            MemberDeleted);

        var outcome = await EraseAsync(MailgunFake.Settings(mailgun.Url), "jane.doe@example.com");

        Assert.Equal(
        [
            "GET /v3/lists/pages?limit=100 HTTP/1.1",
            "GET /v3/lists/pages?limit=100&page=next&address=news%40mg.example.org HTTP/1.1",
            $"DELETE /v3/lists/{ListInPath}/members/jane.doe%40example.com HTTP/1.1",
        ], mailgun.Requests.Select(r => r.RequestLine));
        Assert.All(mailgun.Requests, r => Assert.Equal(new Uri(mailgun.Url).Authority, r.Header("Host")));
        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Theory]
    [InlineData("/mailgun-proxy/")]
    [InlineData("/mailgun-proxy")]
    public async Task A_base_url_with_a_path_keeps_it_in_front_of_Mailguns_paths(string prefix)
    {
        await using var mailgun = RawHttpServer.Start(MemberDeleted);

        await EraseAsync(MailgunFake.Settings(mailgun.Url + prefix, lists: [List]), "jane.doe@example.com");

        Assert.Equal($"DELETE /mailgun-proxy/v3/lists/{ListInPath}/members/jane.doe%40example.com HTTP/1.1",
            Assert.Single(mailgun.Requests).RequestLine);
    }

    private static string MemberDeleted =>
        Answer(200, """{"member":{"address":"jane.doe@example.com"},"message":"Mailing list member has been deleted"}""");

    private static string ListFound =>
        Answer(200, $$$"""{"list":{"access_level":"readonly","address":"{{{List}}}","created_at":"Tue, 06 Mar 2012 05:44:45 GMT","description":"","members_count":2,"name":""}}""");

    private static string DomainFound =>
        Answer(200, """{"items":[],"paging":{"first":"https://api.mailgun.net/v3/mg.example.org/unsubscribes?limit=1","last":"https://api.mailgun.net/v3/mg.example.org/unsubscribes?page=last&limit=1","next":"https://api.mailgun.net/v3/mg.example.org/unsubscribes?page=next&limit=1","previous":"https://api.mailgun.net/v3/mg.example.org/unsubscribes?page=previous&limit=1"}}""");

    private static string NotFound(string message) => Answer(404, $$"""{"message":"{{message}}"}""");

    private static async Task<DeletionOutcome> EraseAsync(Dictionary<string, string?> settings, string email) =>
        PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(
            MailgunDeleterTests.Register, settings, MailgunRegistration.Name,
            SampleRetirement.Item(SampleRetirement.Learner(email: email))));

    private static string Answer(int status, string json) =>
        $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\nConnection: close\r\n\r\n{json}";
}
