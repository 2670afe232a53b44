using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace RetirementBridge.Tests.Infrastructure;

/// <summary>Keeps every log event of a test bridge, rendered exactly as the console sink renders it.</summary>
public sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly RenderedCompactJsonFormatter _formatter = new();

    public void Emit(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        _formatter.Format(logEvent, writer);
        // Exceptions are rendered into the line too (the formatter's @x), so they are scanned as well.
        _lines.Enqueue(writer.ToString());
    }

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public string All => string.Join("", _lines);
}
