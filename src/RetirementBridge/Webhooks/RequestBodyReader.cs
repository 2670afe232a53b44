using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace RetirementBridge.Webhooks;

/// <summary>Reads a request body whole, up to a limit, without trusting Content-Length (chunked bodies have none).</summary>
internal static class RequestBodyReader
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return null;
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is { } length ? (int)Math.Max(length, 1) : 4096);
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
}
