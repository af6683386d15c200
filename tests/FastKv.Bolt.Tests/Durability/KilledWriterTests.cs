// A writer process killed with SIGKILL at a random moment of its commit loop, then the file
// reopened: every commit the writer acknowledged is there, at most the one it was in the middle of
// is there too, nothing else; FastKv's and the reference bbolt's checks pass; and the next writer
// carries on from there. Repeated on the same file so later kills land on files with history.
using System.Diagnostics;
using FastKv.Bolt.Check;
using FastKv.Bolt.Tests.Compat;

namespace FastKv.Bolt.Tests.Durability;

public class KilledWriterTests
{
    private static SortedDictionary<string, string> Model(int commits)
    {
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < commits; i++) KilledWriter.ApplyToModel(model, i);
        return model;
    }

    private static SortedDictionary<string, string> Content(string path)
    {
        using var db = BoltDb.Open(path);
        return db.View(tx =>
        {
            var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var b = tx.GetBucket(Bytes.Of("w"));
            if (b == null) return all;
            var c = b.Cursor();
            for (bool more = c.First(out var k, out var v); more; more = c.Next(out k, out v))
                all[Bytes.Text(k)] = Convert.ToHexString(v);
            return all;
        });
    }

    [Fact]
    public async Task A_writer_killed_at_any_moment_loses_no_acknowledged_commit()
    {
        using var dir = new TempDir();
        string path = dir.File("db");
        var random = new Random(11);
        int next = 0;
        for (int round = 0; round < 4; round++)
        {
            int target = random.Next(30, 300);
            int acked = await RunAndKill(path, next, target);
            Assert.True(acked >= next + target - 1, $"round {round}: the writer acknowledged only up to {acked}");

            var content = Content(path);
            // The commit after the last acknowledged one may or may not have completed before the kill.
            bool onlyAcked = Model(acked + 1).SequenceEqual(content);
            bool oneMore = Model(acked + 2).SequenceEqual(content);
            Assert.True(onlyAcked || oneMore, $"round {round}: after acknowledging commits up to {acked} the file holds neither that state nor the next one");
            next = oneMore ? acked + 2 : acked + 1;

            var report = BoltChecker.CheckFile(path);
            Assert.True(report.IsClean, string.Join("; ", report.Problems));
            var (code, output) = ReferenceBbolt.Invoke("check", path);
            Assert.True(code == 0, $"round {round}: {output}");
        }
    }

    /// <summary>Starts the writer at commit <paramref name="first"/>, kills it once <paramref name="target"/> commits
    /// were acknowledged, and returns the number of the last acknowledged commit.</summary>
    private static async Task<int> RunAndKill(string path, int first, int target)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(KilledWriter).Assembly.Location);
        start.ArgumentList.Add(KilledWriter.Verb);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(first.ToString());
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        int last = first - 1;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (last < first + target - 1)
            {
                string? line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line == null) break;
                last = int.Parse(line);
            }
        }
        finally
        {
            // SIGKILL: no finalizers, no Dispose, whatever the writer was doing stops there.
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync(CancellationToken.None);
        }
        // Lines printed before the kill are acknowledged commits too.
        string? rest;
        while ((rest = await process.StandardOutput.ReadLineAsync()) != null)
            if (int.TryParse(rest, out int n)) last = n;
        Assert.True(last >= first + target - 1, $"the writer stopped early: {await stderr}");
        return last;
    }
}
