// Kill -9 durability: a child process appends with sync and prints each index the WAL acknowledged; it
// is SIGKILLed at a random moment (during startup recovery, appends, segment cuts), many times over the
// same WAL. After every kill the WAL must reopen with every acknowledged entry present and contiguous.
using System.Diagnostics;

namespace FastKv.Wal.Tests;

public class CrashDurabilityTests : IDisposable
{
    private const int Rounds = 24;
    private const long SegmentBytes = 256 * 1024; // small, so kills also land during segment cuts
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_acknowledged_entry_survives_repeated_sigkill()
    {
        string dir = _temp.Sub("wal");
        var random = new Random(20261120);
        ulong everAcked = 0;
        int killedAfterAcks = 0;
        var deadline = Stopwatch.StartNew();
        for (int round = 0; round < Rounds && deadline.Elapsed < TimeSpan.FromSeconds(90); round++)
        {
            string mode = round % 2 == 0 ? "sync" : "group";
            // Every fourth kill lands at a random moment from process start (often during open and
            // recovery); the others at a random moment after the child started appending.
            bool duringStartup = round % 4 == 3;
            ulong acked = RunAndKill(dir, mode, duringStartup, TimeSpan.FromMilliseconds(random.Next(20, 400)));
            if (acked > 0)
                killedAfterAcks++;
            everAcked = Math.Max(everAcked, acked);

            using var wal = WriteAheadLog.Open(dir, default, out var contents, new WalOptions { SegmentBytes = SegmentBytes });
            Assert.True(contents.LastIndex >= everAcked,
                $"round {round} ({mode}): acknowledged up to {everAcked} but the WAL ends at {contents.LastIndex}");
            for (int i = 0; i < contents.Entries.Count; i++)
            {
                var entry = contents.Entries[i];
                Assert.Equal((ulong)i + 1, entry.Index);
                Assert.True(IsKnownPayload(entry), $"entry {entry.Index} holds bytes no writer wrote");
            }
        }
        Assert.True(killedAfterAcks >= Rounds / 2, $"only {killedAfterAcks} kills landed after acknowledgements");
        Assert.True(SegmentName.List(dir).Count > 1, "the runs were expected to cut segments");
    }

    /// <summary>Runs the child until <paramref name="after"/>, SIGKILLs it, and returns the highest index it acknowledged.</summary>
    private static ulong RunAndKill(string dir, string mode, bool fromStart, TimeSpan after)
    {
        var start = ToolProcess.StartInfo(ToolProcess.BuiltDll(Path.Combine("tests", "FastKv.Wal.CrashChild"), "FastKv.Wal.CrashChild"),
            [dir, mode, SegmentBytes.ToString(), "2000000"]);
        ulong acked = 0;
        var errors = new System.Text.StringBuilder();
        using var ready = new ManualResetEventSlim();
        using var child = new Process { StartInfo = start };
        child.OutputDataReceived += (_, e) =>
        {
            // A line cut by the kill can only be a prefix, i.e. a smaller number: never an overstatement.
            if (e.Data is { } line && line.StartsWith("ack ", StringComparison.Ordinal) && ulong.TryParse(line.AsSpan(4), out ulong index))
                lock (errors)
                    acked = Math.Max(acked, index);
            else if (e.Data?.StartsWith("ready ", StringComparison.Ordinal) == true)
                ready.Set();
        };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (errors) errors.AppendLine(e.Data); };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            if (!fromStart)
                Assert.True(ready.Wait(TimeSpan.FromSeconds(30)) || child.HasExited, "child did not get ready within 30 s");
            bool exited = child.WaitForExit(after);
            Assert.False(exited, $"child exited on its own (code {(exited ? child.ExitCode : 0)}): {errors}");
        }
        finally
        {
            if (!child.HasExited)
                child.Kill(); // SIGKILL on Unix
            child.WaitForExit(10_000);
        }
        child.WaitForExit(); // drains the output readers
        lock (errors)
            return acked;
    }

    private static bool IsKnownPayload(RaftEntry entry)
    {
        var data = entry.Data.Span;
        if (data.Length != 200)
            return false;
        bool syncPayload = true;
        for (int i = 0; i < data.Length && syncPayload; i++)
            syncPayload = data[i] == (byte)(entry.Index * 31 + (ulong)i * 7 + 1);
        return syncPayload || (data[0] is >= 1 and <= 32 && data.IndexOfAnyExcept(data[0]) < 0);
    }
}
