using System.Threading.Channels;

namespace RetirementBridge.Storage;

/// <summary>
/// The queue behind group commit: callers enqueue, and each consumer takes every item waiting (up to a maximum) and
/// hands them to one batch. Nothing waits for a batch to fill: an item alone is committed at once, and items that
/// arrive while a commit is under way form the next batch, so batches grow exactly as fast as commits fall behind.
/// The items carry their own completion; the batch function completes them and must not throw.
/// </summary>
internal sealed class BatchingQueue<T> : IAsyncDisposable
{
    private readonly Channel<T> _queue;
    private readonly Func<List<T>, Task> _runBatch;
    private readonly int _maxBatch;
    private readonly Task[] _consumers;

    public BatchingQueue(Func<List<T>, Task> runBatch, int maxBatch, int consumers)
    {
        _runBatch = runBatch;
        _maxBatch = maxBatch;
        _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = consumers == 1 });
        _consumers = [.. Enumerable.Range(0, consumers).Select(_ => Task.Run(ConsumeAsync))];
    }

    /// <summary>False once the queue is shutting down.</summary>
    public bool TryEnqueue(T item) => _queue.Writer.TryWrite(item);

    private async Task ConsumeAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<T>(_maxBatch);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _maxBatch && reader.TryRead(out var item))
                batch.Add(item);
            if (batch.Count > 0)
                await _runBatch(batch).ConfigureAwait(false);
        }
    }

    /// <summary>Takes nothing more; the items already queued are still run.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_consumers).ConfigureAwait(false);
    }
}
