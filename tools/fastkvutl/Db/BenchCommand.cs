// `fastkvutl db bench`: the write / random-get / scan benchmark with `bbolt bench`'s parameters.
using System.CommandLine;

namespace FastKv.Util.Db;

internal static class BenchCommand
{
    public static Command Build()
    {
        var count = new Option<int>("--count") { Description = "Number of keys to write", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch-size") { Description = "Keys per write transaction (0: all in one)", DefaultValueFactory = _ => 0 };
        var mode = new Option<string>("--write-mode") { Description = "seq: ascending keys; rnd: random keys", DefaultValueFactory = _ => "seq" };
        mode.AcceptOnlyFromAmong("seq", "rnd");
        var keySize = new Option<int>("--key-size") { Description = "Key size in bytes (at least 4)", DefaultValueFactory = _ => 8 };
        var valueSize = new Option<int>("--value-size") { Description = "Value size in bytes", DefaultValueFactory = _ => 32 };
        var noSync = new Option<bool>("--no-sync") { Description = "Skip fdatasync on commit" };
        var noFreelistSync = new Option<bool>("--no-freelist-sync") { Description = "Do not persist the freelist (as etcd runs)" };
        var fill = new Option<double>("--fill-percent") { Description = "Fill percent of split pages (bbolt's default 0.5)", DefaultValueFactory = _ => 0.5 };
        var path = new Option<string>("--path") { Description = "File to write (default: a temp file, removed afterwards); must not exist" };
        var work = new Option<bool>("--work") { Description = "Keep the file after the run and print its path" };
        var seconds = new Option<double>("--read-seconds") { Description = "How long each read phase (random gets, scans) runs", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Seed for random keys and the get order", DefaultValueFactory = _ => 1 };
        var warmup = new Option<int>("--warmup-keys")
        {
            Description = "Keys written untimed to a scratch file first, the same way, so the timed run measures compiled code rather than the JIT (0: time a cold start)",
            DefaultValueFactory = _ => 2000,
        };
        var command = new Command("bench", "Benchmark writes, random gets and scans on a new file, printing rates like `bbolt bench`.")
        {
            count, batch, mode, keySize, valueSize, noSync, noFreelistSync, fill, path, work, seconds, seed, warmup,
        };
        command.SetAction(parse => DbErrors.Guard(() =>
        {
            var settings = new BenchSettings(
                parse.GetValue(count), parse.GetValue(batch), parse.GetValue(mode) == "rnd",
                parse.GetValue(keySize), parse.GetValue(valueSize), parse.GetValue(noSync), parse.GetValue(noFreelistSync),
                parse.GetValue(fill), parse.GetValue(path), parse.GetValue(work) || parse.GetValue(path) != null,
                parse.GetValue(seconds), parse.GetValue(seed), parse.GetValue(warmup));
            settings.Validate();
            return new BenchRunner(settings, Console.Out).Run();
        }));
        return command;
    }
}
