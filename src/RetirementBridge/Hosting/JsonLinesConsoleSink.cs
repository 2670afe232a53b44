using System.Text;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace RetirementBridge.Hosting;

/// <summary>
/// The log's console output: JSON lines on standard output, written a batch at a time with one write per batch.
/// Serilog's console sink flushes (a write syscall) per line, which under load cost more CPU than rendering the
/// line; batching keeps the one line per accepted notification cheap (BENCHMARKS.md).
/// </summary>
internal sealed class JsonLinesConsoleSink(ITextFormatter formatter) : IBatchedLogEventSink, IDisposable
{
    private readonly StreamWriter _output = new(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024)
    {
        AutoFlush = false,
    };

    /// <summary>How Serilog feeds this sink: batches formed off the request path, the first line of a quiet spell at
    /// once, later ones within <see cref="BatchingOptions.BufferingTimeLimit"/>.</summary>
    public static BatchingOptions Batching => new()
    {
        BatchSizeLimit = 1000,
        BufferingTimeLimit = TimeSpan.FromMilliseconds(50),
        EagerlyEmitFirstEvent = true,
        // If standard output stalls (a blocked log pipe), lines beyond this many are dropped rather than holding up
        // the webhook: the notification itself is in the store either way.
        QueueLimit = 100_000,
    };

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
            formatter.Format(logEvent, _output);
        _output.Flush();
        return Task.CompletedTask;
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => _output.Dispose();
}
