using System.Buffers;

namespace RetirementBridge.Webhooks;

/// <summary>Reads a request body whole, up to a limit, without trusting Content-Length (chunked bodies have none).</summary>
internal static class RequestBodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return null;
        if (request.ContentLength is { } length)
            return await ReadExactlyAsync(request.Body, (int)length, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await request.Body.ReadAsync(memory, cancellationToken);
            if (read == 0)
                return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
                return null;
        }
    }

    // The common case (the plugin and other senders set Content-Length): one array of the right size, no copy.
    // Kestrel ends the body at Content-Length, so a short body ends the read early and is what it is.
    private static async Task<byte[]> ReadExactlyAsync(Stream body, int length, CancellationToken cancellationToken)
    {
        var bytes = new byte[length];
        var filled = await body.ReadAtLeastAsync(bytes, length, throwOnEndOfStream: false, cancellationToken);
        return filled == length ? bytes : bytes[..filled];
    }
}
