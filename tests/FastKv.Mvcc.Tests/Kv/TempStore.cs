// A key space on a page file in a fresh temporary directory, reopenable, removed on dispose.
using FastKv.Mvcc.Kv;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Tests.Kv;

internal sealed class TempStore : IDisposable
{
    public string Dir { get; }
    public string Path { get; }
    public Backend Backend { get; private set; }
    public KvStore Kv { get; private set; }
    public TestLessor Leases { get; } = new();
    public RecordingSink Sink { get; } = new();

    public TempStore(string? copyFrom = null, int trimTail = 0)
    {
        Dir = Directory.CreateTempSubdirectory("fastkv-kv-").FullName;
        Path = System.IO.Path.Combine(Dir, "db");
        if (copyFrom is not null)
        {
            var bytes = File.ReadAllBytes(copyFrom);
            File.WriteAllBytes(Path, bytes.AsSpan(0, bytes.Length - trimTail).ToArray());
        }
        Backend = Backend.Open(Path, new BackendOptions { NoSync = true });
        Kv = new KvStore(Backend, Sink, Leases);
    }

    /// <summary>Closes (committing the open batch) and opens the file again, rebuilding the index.</summary>
    public void Reopen()
    {
        Kv.Dispose();
        Backend.Dispose();
        Backend = Backend.Open(Path, new BackendOptions { NoSync = true });
        Kv = new KvStore(Backend, Sink, Leases);
    }

    public void Dispose()
    {
        Kv.Dispose();
        Backend.Dispose();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A lessor stand-in that knows a set of leases and records attachments.</summary>
internal sealed class TestLessor : ILeaseAttachments
{
    public HashSet<long> Leases { get; } = [];
    public Dictionary<long, HashSet<string>> Attached { get; } = [];

    public bool Exists(long leaseId) => Leases.Contains(leaseId);

    public void Attach(long leaseId, ReadOnlySpan<byte> key)
    {
        if (!Attached.TryGetValue(leaseId, out var keys)) Attached[leaseId] = keys = [];
        keys.Add(Convert.ToHexString(key));
    }

    public void Detach(long leaseId, ReadOnlySpan<byte> key)
    {
        if (Attached.TryGetValue(leaseId, out var keys)) keys.Remove(Convert.ToHexString(key));
    }
}

/// <summary>Records every published revision's events.</summary>
internal sealed class RecordingSink : IWatchEventSink
{
    public List<(long Revision, List<FastKv.Api.Mvccpb.Event> Events)> Published { get; } = [];

    public void Publish(long revision, IReadOnlyList<FastKv.Api.Mvccpb.Event> events) =>
        Published.Add((revision, events.Select(e => e.Clone()).ToList()));
}
