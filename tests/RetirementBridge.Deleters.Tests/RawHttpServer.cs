using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RetirementBridge.Deleters.Tests;

// A raw HTTP/1.1 listener for the tests that must see a request's bytes as sent: WireMock.Net decodes the path (%40
// reads as @), so it cannot tell whether a deleter escapes an email in a URL path correctly.

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
