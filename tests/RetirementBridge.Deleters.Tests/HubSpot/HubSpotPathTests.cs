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

/// <summary>One HTTP/1.1 request as it arrived: request line, headers and body, undecoded.</summary>
internal sealed record RawRequest(string RequestLine, IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>A loopback listener that records each request verbatim and gives the canned answers in order, one connection each.</summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Task _serving;
    private readonly List<RawRequest> _requests = [];

    private RawHttpServer(string[] answers)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _serving = ServeAsync(answers);
    }

    public string Url { get; }

    public IReadOnlyList<RawRequest> Requests
    {
        get { lock (_requests) return _requests.ToList(); }
    }

    public static RawHttpServer Start(params string[] answers) => new(answers);

    private async Task ServeAsync(string[] answers)
    {
        foreach (var answer in answers)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = await ReadRequestAsync(stream);
            lock (_requests)
                _requests.Add(request);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(answer));
            await stream.FlushAsync();
        }
    }

    private static async Task<RawRequest> ReadRequestAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(received)) < 0)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
                throw new IOException("the connection closed before the request head ended");
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        var head = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray()).Split("\r\n");
        var headers = head.Skip(1).Select(line => line.Split(':', 2)).Select(p => (p[0].Trim(), p[1].Trim())).ToList();
        var length = headers.Where(h => string.Equals(h.Item1, "Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(h => int.Parse(h.Item2)).FirstOrDefault();
        var body = received.Skip(headEnd + 4).ToList();
        while (body.Count < length)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
                break;
            body.AddRange(buffer.AsSpan(0, read).ToArray());
        }
        return new RawRequest(head[0], headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
                return i;
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException)
        {
            // Stopped while waiting for a connection that never came: the assertions say what was missing.
        }
    }
}
