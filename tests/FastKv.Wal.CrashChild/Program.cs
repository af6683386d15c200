// Crash-test child: opens (or creates) a WAL, then appends until it is killed, printing "ack <index>"
// only after the WAL reported the entry durable. Modes: "sync" (raft-style Save, one writer) and
// "group" (many concurrent ProposeAsync callers sharing fdatasyncs).
// Usage: FastKv.Wal.CrashChild <dir> <sync|group> <segment-bytes> <max-entries>
using FastKv.Wal;

if (args.Length != 4 || (args[1] != "sync" && args[1] != "group"))
{
    Console.Error.WriteLine("usage: FastKv.Wal.CrashChild <dir> <sync|group> <segment-bytes> <max-entries>");
    return 2;
}
string dir = args[0];
var options = new WalOptions { SegmentBytes = long.Parse(args[2]) };
long maxEntries = long.Parse(args[3]);
var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };

WriteAheadLog wal;
if (WriteAheadLog.Exists(dir))
    wal = WriteAheadLog.Open(dir, default, out _, options);
else
    wal = WriteAheadLog.Create(dir, new MemberMetadata(1, 2).Encode(), options);
output.WriteLine($"ready {wal.LastIndex}");

if (args[1] == "sync")
{
    var batch = new RaftEntry[1];
    for (long n = 0; n < maxEntries; n++)
    {
        ulong index = wal.LastIndex + 1;
        batch[0] = new RaftEntry(1, index, CrashPayload.For(index));
        wal.Save(new HardState(1, 1, index), batch);
        output.WriteLine($"ack {index}");
    }
}
else
{
    var gate = new object();
    var writers = Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
    {
        var payload = CrashPayload.ForWriter(w);
        for (long n = 0; n < maxEntries / 32; n++)
        {
            ulong index = await wal.ProposeAsync(1, payload);
            lock (gate)
                output.WriteLine($"ack {index}");
        }
    })).ToArray();
    Task.WaitAll(writers);
}
wal.Dispose();
output.WriteLine("done");
return 0;

/// <summary>Payloads the parent can recognise after a crash.</summary>
internal static class CrashPayload
{
    public static byte[] For(ulong index)
    {
        var data = new byte[200];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)(index * 31 + (ulong)i * 7 + 1);
        return data;
    }

    public static byte[] ForWriter(int writer)
    {
        var data = new byte[200];
        data.AsSpan().Fill((byte)(writer + 1));
        return data;
    }
}
