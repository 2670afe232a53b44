using System.Net;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace RetirementBridge.Deleters.Tests.TestKit;

/// <summary>
/// What WireMock.Net 1.25 does with a percent-encoded path, as the test kit's README tip states it: it matches
/// WithPath against the decoded path (decoding twice, and '+' as a space), so a mapping must be written decoded.
/// If this fails after a WireMock upgrade, correct the tip.
/// </summary>
public sealed class WireMockPathMatchingTests : IDisposable
{
    private readonly WireMock.Server.WireMockServer _fake = Loopback.StartFake();
    private readonly HttpClient _http = new();

    public WireMockPathMatchingTests() =>
        _fake.Given(Request.Create().UsingAnyMethod()).AtPriority(1000).RespondWith(Response.Create().WithStatusCode(418));

    /// <summary>Whether a request for <paramref name="sentPath"/> (sent as written) matches WithPath(<paramref name="mappedPath"/>).</summary>
    private async Task<bool> Matches(string sentPath, string mappedPath)
    {
        _fake.Given(Request.Create().UsingGet().WithPath(mappedPath)).RespondWith(Response.Create().WithStatusCode(200));
        using var response = await _http.GetAsync(new Uri(_fake.Url + sentPath));
        return response.StatusCode == HttpStatusCode.OK;
    }

    [Theory]
    [InlineData("/v1/contacts/jane%40example.org", "/v1/contacts/jane@example.org", true)]
    [InlineData("/v1/contacts/jane%40example.org", "/v1/contacts/jane%40example.org", false)]
    [InlineData("/v1/contacts/jane@example.org", "/v1/contacts/jane@example.org", true)]
    [InlineData("/v1/contacts/jane%2540example.org", "/v1/contacts/jane@example.org", true)]
    [InlineData("/v1/contacts/jane%2Btag%40example.org", "/v1/contacts/jane tag@example.org", true)]
    [InlineData("/v1/contacts/jane%2Btag%40example.org", "/v1/contacts/jane+tag@example.org", false)]
    [InlineData("/v1/contacts/jane+tag@example.org", "/v1/contacts/jane tag@example.org", true)]
    [InlineData("/v1/contacts/a%2Fb", "/v1/contacts/a/b", true)]
    public async Task WithPath_matches_the_decoded_path(string sentPath, string mappedPath, bool matches)
    {
        // The request really goes out encoded: Uri keeps an escaped path as it was given.
        Assert.Equal(sentPath, new Uri(_fake.Url + sentPath).AbsolutePath);

        Assert.Equal(matches, await Matches(sentPath, mappedPath));
    }

    [Fact]
    public async Task The_log_shows_the_decoded_path_too()
    {
        await Matches("/v1/contacts/jane%40example.org", "/other");

        Assert.Equal("/v1/contacts/jane@example.org", Assert.Single(_fake.LogEntries).RequestMessage.Path);
    }

    public void Dispose()
    {
        _http.Dispose();
        _fake.Dispose();
    }
}
