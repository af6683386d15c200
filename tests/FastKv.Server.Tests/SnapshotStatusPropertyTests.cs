// For page files of any content and size, `fastkvutl snapshot status` prints what the real
// etcdctl prints: the same CRC over every bucket, last revision, key count and rounded size.
using System.Buffers.Binary;
using System.Diagnostics;
using FastKv.Bolt;
using FastKv.Server.Tests.Support;
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Server.Tests;

public sealed class SnapshotStatusPropertyTests
{
    private static readonly string[] Buckets = ["key", "meta", "lease", "members", "cluster", "alarm"];

    // (bucket, key seed, value length); key-bucket keys are etcd revisions (8-byte main, '_', 8-byte sub).
    private static readonly Gen<(int Bucket, int Key, int Length)[]> Contents =
        from n in Gen.Choose(0, 120)
        from items in Gen.ArrayOf(
            from bucket in Gen.Choose(0, Buckets.Length - 1)
            from key in Gen.Choose(1, 100_000)
            from length in Gen.Frequency((6, Gen.Choose(0, 200)), (3, Gen.Choose(200, 5000)), (1, Gen.Choose(20_000, 300_000)))
            select (bucket, key, length), n)
        select items;

    [Fact]
    public void Status_matches_etcdctl_for_generated_page_files()
    {
        Assert.True(Etcdctl.Available, "etcd-client is needed (.ci/run installs it)");
        using var dir = new TempDir();
        var run = 0;
        Prop.ForAll(Contents.ToArbitrary(), items =>
        {
            var path = dir.Sub($"gen-{run++}.db");
            Write(path, items);
            var ours = RunTool("dotnet", [Fastkvutl.Dll(), "snapshot", "status", path, "-w", "simple"]);
            var theirs = RunTool(Etcdctl.Binary, ["snapshot", "status", path, "-w", "simple"]);
            Assert.Equal(theirs, ours);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(8));
    }

    private static void Write(string path, (int Bucket, int Key, int Length)[] items)
    {
        using var db = BoltDb.Open(path, new BoltOptions { NoFreelistSync = true });
        db.Update(tx =>
        {
            foreach (var (bucket, key, length) in items)
            {
                var b = tx.CreateBucketIfNotExists(System.Text.Encoding.ASCII.GetBytes(Buckets[bucket]));
                byte[] k;
                if (bucket == 0)
                {
                    k = new byte[17];
                    BinaryPrimitives.WriteInt64BigEndian(k, key);
                    k[8] = (byte)'_';
                }
                else
                {
                    k = System.Text.Encoding.ASCII.GetBytes($"k{key}");
                }
                var v = new byte[length];
                new Random(key).NextBytes(v);
                b.Put(k, v);
            }
        });
    }

    private static string RunTool(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (file == "dotnet") start.FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        start.Environment["ETCDCTL_API"] = "3";
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within 60 s");
        }
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}");
        return stdout;
    }
}
