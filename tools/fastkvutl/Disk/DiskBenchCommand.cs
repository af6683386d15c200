// `fastkvutl disk bench`: fio-style answer to "is this disk fit for FastKv/etcd?". The default mode is
// the fio job etcd documents (sequential 2300-byte writes, fdatasync after each, 22 MiB), reported as
// fdatasync percentiles with a verdict against etcd's guidance (p99 under 10 ms). --mode wal drives the
// real WAL path with N concurrent appenders instead. Progress goes to stderr, --json puts the report on
// stdout as JSON. Exit 0 fit (or WAL mode done), 1 unfit, 2 usage.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace FastKv.Util.Disk;

internal static class DiskBenchCommand
{
    /// <summary>etcd's guidance: the 99th percentile of WAL fdatasync should stay under 10 ms.</summary>
    public const double FitP99Us = 10_000;

    public static Command Build()
    {
        var mode = new Option<string>("--mode") { Description = "fio: etcd's fio job (default); wal: the real WAL path with group commit", DefaultValueFactory = _ => "fio" };
        mode.AcceptOnlyFromAmong("fio", "wal");
        var directory = new Option<string>("--directory") { Description = "Directory to test (use the disk that will hold member/wal)", DefaultValueFactory = _ => "." };
        var bs = new Option<string>("--bs") { Description = "Block size per write (fio mode), e.g. 2300 or 4k", DefaultValueFactory = _ => "2300" };
        var size = new Option<string>("--size") { Description = "Bytes written per job (fio mode), e.g. 22m", DefaultValueFactory = _ => "22m" };
        var runtime = new Option<string?>("--runtime") { Description = "Time limit, e.g. 30 or 30s or 2m (fio mode: stop early; wal mode: duration, default 10s)" };
        var numjobs = new Option<int>("--numjobs") { Description = "Concurrent jobs, each with its own file (fio mode)", DefaultValueFactory = _ => 1 };
        var direct = new Option<bool>("--direct") { Description = "Open with O_DIRECT (bypass the page cache); --bs must be a multiple of 512" };
        var appenders = new Option<int>("--appenders") { Description = "Concurrent appenders (wal mode)", DefaultValueFactory = _ => 1 };
        var entrySize = new Option<string>("--entry-size") { Description = "Entry payload bytes (wal mode)", DefaultValueFactory = _ => "256" };
        var api = new Option<string>("--api") { Description = "wal mode: propose (group commit, default) or save (raft's synchronous Save, 1 appender)", DefaultValueFactory = _ => "propose" };
        api.AcceptOnlyFromAmong("propose", "save");
        var json = new Option<bool>("--json") { Description = "Print the report as JSON on stdout" };
        var quiet = new Option<bool>("--quiet") { Description = "No progress line on stderr" };

        var command = new Command("bench", "Benchmark a disk for FastKv/etcd: fdatasync latency percentiles (etcd's fio job) or the real WAL path.")
        {
            mode, directory, bs, size, runtime, numjobs, direct, appenders, entrySize, api, json, quiet,
        };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(directory)!;
            if (!Directory.Exists(dir))
                throw new UsageException($"--directory {dir}: no such directory");
            TimeSpan? limit = parse.GetValue(runtime) is { } r ? ParseDuration(r) : null;
            bool progress = !parse.GetValue(quiet);
            if (parse.GetValue(mode) == "wal")
            {
                int n = parse.GetValue(appenders);
                if (n is < 1 or > 100_000)
                    throw new UsageException($"--appenders {n}: expected 1..100000");
                long entry = ByteSize.Parse(parse.GetValue(entrySize)!, "--entry-size");
                if (entry > 1 << 20)
                    throw new UsageException($"--entry-size {entry}: at most 1 MiB");
                var result = WalPathBench.Run(new WalPathOptions(Path.GetFullPath(dir), n, (int)entry, limit ?? TimeSpan.FromSeconds(10),
                    parse.GetValue(api) == "save", progress));
                if (parse.GetValue(json)) WriteJson(result); else WriteText(result);
                return ToolRunner.Ok;
            }
            int jobs = parse.GetValue(numjobs);
            if (jobs is < 1 or > 1024)
                throw new UsageException($"--numjobs {jobs}: expected 1..1024");
            long block = ByteSize.Parse(parse.GetValue(bs)!, "--bs");
            long total = ByteSize.Parse(parse.GetValue(size)!, "--size");
            if (block > 64 << 20)
                throw new UsageException($"--bs {block}: at most 64 MiB");
            if (total < block)
                throw new UsageException($"--size {total} is smaller than --bs {block}");
            var fio = SyncWriteBench.Run(new SyncWriteOptions(Path.GetFullPath(dir), block, total, limit, jobs, parse.GetValue(direct), progress));
            bool fit = fio.Sync.P99Us < FitP99Us;
            if (parse.GetValue(json)) WriteJson(fio, fit); else WriteText(fio, fit);
            return fit ? ToolRunner.Ok : ToolRunner.ProblemsFound;
        });
        return command;
    }

    internal static TimeSpan ParseDuration(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        double unit = 1;
        if (t.EndsWith("ms", StringComparison.Ordinal)) { unit = 0.001; t = t[..^2]; }
        else if (t.EndsWith('s')) t = t[..^1];
        else if (t.EndsWith('m')) { unit = 60; t = t[..^1]; }
        else if (t.EndsWith('h')) { unit = 3600; t = t[..^1]; }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * unit > 86_400)
            throw new UsageException($"--runtime {text}: expected a duration such as 30, 30s, 2m (at most a day)");
        return TimeSpan.FromSeconds(value * unit);
    }

    private static void WriteText(SyncWriteResult r, bool fit)
    {
        var o = r.Options;
        Console.WriteLine($"disk bench (etcd's fio job: --rw=write --ioengine=sync --fdatasync=1): {o.Directory}");
        Console.WriteLine($"  bs={o.BlockSize} size={ByteSize.Format(o.Size)} numjobs={o.Jobs} {(o.Direct ? "direct" : "buffered")}");
        Console.WriteLine($"  fdatasync: {r.Sync.Describe()}");
        Console.WriteLine($"  write:     {r.Write.Describe()}");
        Console.WriteLine($"  {r.Iops:0} IOPS, {ByteSize.Format(r.BytesPerSecond)}/s, {r.Writes} writes in {r.Elapsed.TotalSeconds:0.00} s");
        Console.WriteLine(fit
            ? $"verdict: FIT: p99 fdatasync {r.Sync.P99Us:0} µs is under etcd's 10 ms guidance."
            : $"verdict: NOT FIT: p99 fdatasync {r.Sync.P99Us / 1000:0.0} ms exceeds etcd's 10 ms guidance; expect slow fdatasync warnings, leader changes and failed health checks.");
    }

    private static void WriteText(WalPathResult r)
    {
        var o = r.Options;
        Console.WriteLine($"wal bench (real WAL path, {(o.UseSave ? "Save" : "ProposeAsync group commit")}): {o.Directory}");
        Console.WriteLine($"  appenders={o.Appenders} entry={o.EntryBytes} bytes, {r.Elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"  {r.EntriesPerSecond:0} entries/s, {r.Syncs} fdatasyncs, {r.EntriesPerSync:0.0} entries per sync, {ByteSize.Format(r.Bytes / r.Elapsed.TotalSeconds)}/s");
        Console.WriteLine($"  commit:    {r.Commit.Describe()}");
        Console.WriteLine($"  fdatasync: {r.Sync.Describe()}");
        if (r.Sync.P50Us > 0)
            Console.WriteLine($"  commit p50 is {(r.Commit.P50Us / r.Sync.P50Us - 1) * 100:+0;-0}% over fdatasync p50");
    }

    private static void WriteJson(SyncWriteResult r, bool fit)
    {
        using var json = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("mode", "fio");
        json.WriteString("directory", r.Options.Directory);
        json.WriteNumber("bs", r.Options.BlockSize);
        json.WriteNumber("size", r.Options.Size);
        json.WriteNumber("numjobs", r.Options.Jobs);
        json.WriteBoolean("direct", r.Options.Direct);
        json.WriteNumber("writes", r.Writes);
        json.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
        json.WriteNumber("iops", Math.Round(r.Iops, 1));
        json.WriteNumber("bytes_per_second", Math.Round(r.BytesPerSecond));
        r.Sync.WriteJson(json, "fdatasync");
        r.Write.WriteJson(json, "write");
        json.WriteBoolean("fit", fit);
        json.WriteNumber("fit_threshold_p99_us", FitP99Us);
        json.WriteEndObject();
        json.Flush();
        Console.WriteLine();
    }

    private static void WriteJson(WalPathResult r)
    {
        using var json = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("mode", "wal");
        json.WriteString("api", r.Options.UseSave ? "save" : "propose");
        json.WriteString("directory", r.Options.Directory);
        json.WriteNumber("appenders", r.Options.Appenders);
        json.WriteNumber("entry_bytes", r.Options.EntryBytes);
        json.WriteNumber("entries", r.Entries);
        json.WriteNumber("seconds", Math.Round(r.Elapsed.TotalSeconds, 3));
        json.WriteNumber("entries_per_second", Math.Round(r.EntriesPerSecond, 1));
        json.WriteNumber("syncs", r.Syncs);
        json.WriteNumber("entries_per_sync", Math.Round(r.EntriesPerSync, 2));
        r.Commit.WriteJson(json, "commit");
        r.Sync.WriteJson(json, "fdatasync");
        json.WriteEndObject();
        json.Flush();
        Console.WriteLine();
    }
}
