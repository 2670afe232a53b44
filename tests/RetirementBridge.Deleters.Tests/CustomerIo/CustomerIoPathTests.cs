using System.Net;
using System.Text;
using RetirementBridge.Deleters.CustomerIo;
using RetirementBridge.Deleters.Testing;
using RetirementBridge.Deleters.Tests.HubSpot;

namespace RetirementBridge.Deleters.Tests.CustomerIo;

/// <summary>
/// What the deleter puts on the wire, read from a plain socket (HubSpot's <see cref="RawHttpServer"/>): WireMock decodes
/// paths before matching (a request for <c>%40</c> matches a mapping written with <c>@</c>), so it cannot tell whether
/// an email is escaped right. A wrong escape is a silent failure here: an unescaped <c>/</c>, <c>?</c> or <c>#</c>
/// would send the deletion to another path or cut the address short, and Customer.io answers 200 for a person it
/// does not have, so the learner would count as erased while still there.
/// </summary>
public sealed class CustomerIoPathTests
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
    [InlineData("josé@exämple.org", "jos%C3%A9%40ex%C3%A4mple.org")]
    [InlineData("../../accounts/region@example.org", "..%2F..%2Faccounts%2Fregion%40example.org")]
    public async Task By_email_the_address_is_escaped_as_one_path_segment(string email, string escaped)
    {
        await using var customerIo = RawHttpServer.Start(OkAnswer);

        var outcome = await EraseAsync(customerIo.Url, email, ("Identifier", "Email"));

        var request = Assert.Single(customerIo.Requests);
        Assert.Equal($"DELETE /api/v1/customers/{escaped} HTTP/1.1", request.RequestLine);
        Assert.Equal(CustomerIoFake.Authorization, request.Header("Authorization"));
        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
    }

    [Fact]
    public async Task By_email_a_mixed_case_address_goes_out_as_typed_then_in_lower_case()
    {
        await using var customerIo = RawHttpServer.Start(OkAnswer, OkAnswer);

        var outcome = await EraseAsync(customerIo.Url, SampleRetirement.Email, ("Identifier", "Email"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(
            ["DELETE /api/v1/customers/Jane.Doe%40Example.COM HTTP/1.1", "DELETE /api/v1/customers/jane.doe%40example.com HTTP/1.1"],
            customerIo.Requests.Select(r => r.RequestLine));
    }

    [Fact]
    public async Task By_LMS_user_id_the_deletion_carries_the_id_the_credentials_and_no_body()
    {
        await using var customerIo = RawHttpServer.Start(OkAnswer);

        var outcome = await EraseAsync(customerIo.Url, SampleRetirement.Email);

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        var request = Assert.Single(customerIo.Requests);
        Assert.Equal("DELETE /api/v1/customers/4242 HTTP/1.1", request.RequestLine);
        Assert.Equal(
            "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("3f2b9c8e1d7a6b5c4e3f:a1b2c3d4e5f60718293a")),
            request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Null(request.Header("Content-Type"));
        Assert.Null(request.Header("Transfer-Encoding"));
        Assert.Equal("", request.Body);
        Assert.DoesNotContain("jane", string.Join("\n", request.Headers.Select(h => h.Value)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_suppression_is_a_POST_to_the_same_identifier_with_an_empty_JSON_object()
    {
        await using var customerIo = RawHttpServer.Start(OkAnswer, OkAnswer);

        var outcome = await EraseAsync(customerIo.Url, SampleRetirement.Email, ("Suppress", "true"));

        Assert.Equal(DeletionOutcomeKind.Deleted, outcome.Kind);
        Assert.Equal(2, customerIo.Requests.Count);
        var suppression = customerIo.Requests[1];
        Assert.Equal("POST /api/v1/customers/4242/suppress HTTP/1.1", suppression.RequestLine);
        Assert.Equal(CustomerIoFake.Authorization, suppression.Header("Authorization"));
        Assert.StartsWith("application/json", suppression.Header("Content-Type"));
        Assert.Null(suppression.Header("Transfer-Encoding"));
        Assert.Equal("2", suppression.Header("Content-Length"));
        Assert.Equal("{}", suppression.Body);
    }

    [Fact]
    public async Task The_region_check_after_a_404_is_a_GET_with_the_credentials()
    {
        await using var customerIo = RawHttpServer.Start(
            Answer(404, """{"meta":{"error":"not found"}}"""),
            Answer(200, """{"url":"https://track.customer.io","region":"us","environment_id":3}"""));

        var outcome = await EraseAsync(customerIo.Url, SampleRetirement.Email);

        Assert.Equal(DeletionOutcomeKind.Gone, outcome.Kind);
        Assert.Equal("GET /api/v1/accounts/region HTTP/1.1", customerIo.Requests[1].RequestLine);
        Assert.Equal(CustomerIoFake.Authorization, customerIo.Requests[1].Header("Authorization"));
    }

    [Theory]
    [InlineData("/customerio-proxy/")]
    [InlineData("/customerio-proxy")]
    public async Task A_base_url_with_a_path_keeps_it_in_front_of_the_Track_API_paths(string prefix)
    {
        await using var customerIo = RawHttpServer.Start(OkAnswer);

        await EraseAsync(customerIo.Url + prefix, SampleRetirement.Email);

        Assert.Equal("DELETE /customerio-proxy/api/v1/customers/4242 HTTP/1.1", Assert.Single(customerIo.Requests).RequestLine);
    }

    private static string OkAnswer => Answer(200, "{}");

    private static async Task<DeletionOutcome> EraseAsync(string baseUrl, string email, params (string Key, string Value)[] overrides)
    {
        var settings = CustomerIoFake.Settings(baseUrl);
        foreach (var (key, value) in overrides)
            settings[$"Deleters:CustomerIo:{key}"] = value;
        return PersonalData.AssertNone(await DeleterTestKit.EraseOnceAsync(
            CustomerIoDeleterTests.Register, settings, CustomerIoRegistration.Name,
            SampleRetirement.Item(SampleRetirement.Learner(email: email))));
    }

    private static string Answer(int status, string json) =>
        $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\nConnection: close\r\n\r\n{json}";
}
