// The command tree, with etcd benchmark's command and flag names and defaults: global
// --endpoints --conns --clients --total (plus --transport, this generator's own), then put, range,
// txn-put, watch and watch-latency.
// Each action parses its flags into settings, opens the connections and prints the report.
using System.CommandLine;
using System.CommandLine.Parsing;

namespace FastKv.LoadGen;

public static class CommandLine
{
    public static RootCommand Build(TextWriter output, TextWriter progress)
    {
        var endpoints = new Option<string>("--endpoints") { Description = "gRPC endpoints, comma-separated (host:port or http://host:port)", DefaultValueFactory = _ => "127.0.0.1:2379", Recursive = true };
        var conns = Positive(new Option<int>("--conns") { Description = "Total number of gRPC connections", DefaultValueFactory = _ => 1, Recursive = true });
        var clients = Positive(new Option<int>("--clients") { Description = "Total number of concurrent clients (workers)", DefaultValueFactory = _ => 1, Recursive = true });
        var total = Positive(new Option<int>("--total") { Description = "Total number of requests", DefaultValueFactory = _ => 10000, Recursive = true });
        var transport = new Option<string>("--transport") { Description = "Client transport: h2 (lean HTTP/2, cleartext only), httpclient (SocketsHttpHandler), auto (h2 for http://, httpclient for https://)", DefaultValueFactory = _ => "auto", Recursive = true };
        transport.AcceptOnlyFromAmong(TransportKinds.Names);
        var root = new RootCommand("fastkv-benchmark: etcd benchmark's load generator for any etcd v3 gRPC endpoint (FastKv or etcd)");
        root.Options.Add(endpoints);
        root.Options.Add(conns);
        root.Options.Add(clients);
        root.Options.Add(total);
        root.Options.Add(transport);

        RunSettings Settings(ParseResult p, int requests) =>
            new(Endpoint.ParseList(p.GetValue(endpoints)!), p.GetValue(conns), p.GetValue(clients), requests, progress, TransportKinds.Parse(p.GetValue(transport)!));

        // put
        var putKeySize = Positive(new Option<int>("--key-size") { Description = "Key size of put request", DefaultValueFactory = _ => 8 });
        var putValSize = NotNegative(new Option<int>("--val-size") { Description = "Value size of put request", DefaultValueFactory = _ => 8 });
        var putKeySpace = Positive(new Option<long>("--key-space-size") { Description = "Maximum possible keys", DefaultValueFactory = _ => 1 });
        var putSequential = new Option<bool>("--sequential-keys") { Description = "Use sequential keys" };
        var compactInterval = new Option<string>("--compact-interval") { Description = "Interval to compact database (do not compact if 0), e.g. 10s", DefaultValueFactory = _ => "0" };
        var compactDelta = NotNegative(new Option<long>("--compact-index-delta") { Description = "Delta between current revision and compact revision", DefaultValueFactory = _ => 1000 });
        var put = new Command("put", "Benchmark put") { putKeySize, putValSize, putKeySpace, putSequential, compactInterval, compactDelta };
        put.SetAction(async p =>
        {
            var run = Settings(p, p.GetValue(total));
            var settings = new PutSettings(p.GetValue(putKeySize), p.GetValue(putValSize), p.GetValue(putKeySpace), p.GetValue(putSequential),
                Duration.Parse(p.GetValue(compactInterval)!, "--compact-interval"), p.GetValue(compactDelta));
            using var connections = await OpenAsync(run).ConfigureAwait(false);
            var report = await PutBench.RunAsync(run, settings, connections).ConfigureAwait(false);
            output.Write(report.Format());
            return report.ErrorCount == 0 ? 0 : 1;
        });
        root.Subcommands.Add(put);

        // range
        var key = new Argument<string>("key") { Description = "Key (or start of the interval) to read" };
        var end = new Argument<string?>("end") { Description = "End of the interval (exclusive)", Arity = ArgumentArity.ZeroOrOne };
        var consistency = new Option<string>("--consistency") { Description = "Linearizable(l) or Serializable(s)", DefaultValueFactory = _ => "l" };
        consistency.AcceptOnlyFromAmong("l", "s");
        var range = new Command("range", "Benchmark range") { key, end, consistency };
        range.SetAction(async p =>
        {
            var run = Settings(p, p.GetValue(total));
            using var connections = await OpenAsync(run).ConfigureAwait(false);
            var report = await RangeBench.RunAsync(run, p.GetValue(key)!, p.GetValue(end), p.GetValue(consistency) == "s", connections).ConfigureAwait(false);
            output.Write(report.Format());
            return report.ErrorCount == 0 ? 0 : 1;
        });
        root.Subcommands.Add(range);

        // txn-put
        var txnOps = Positive(new Option<int>("--txn-ops") { Description = "Number of puts per txn", DefaultValueFactory = _ => 1 });
        var txnKeySize = Positive(new Option<int>("--key-size") { Description = "Key size of txn put", DefaultValueFactory = _ => 8 });
        var txnValSize = NotNegative(new Option<int>("--val-size") { Description = "Value size of txn put", DefaultValueFactory = _ => 8 });
        var txnKeySpace = Positive(new Option<long>("--key-space-size") { Description = "Maximum possible keys", DefaultValueFactory = _ => 1 });
        var txnPut = new Command("txn-put", "Benchmark txn-put") { txnOps, txnKeySize, txnValSize, txnKeySpace };
        txnPut.Validators.Add(r =>
        {
            if (r.GetValue(txnOps) > r.GetValue(txnKeySpace))
                r.AddError("--txn-ops must not exceed --key-space-size (a txn may not put the same key twice)");
        });
        txnPut.SetAction(async p =>
        {
            var run = Settings(p, p.GetValue(total));
            var settings = new TxnPutSettings(p.GetValue(txnOps), p.GetValue(txnKeySize), p.GetValue(txnValSize), p.GetValue(txnKeySpace));
            using var connections = await OpenAsync(run).ConfigureAwait(false);
            var report = await TxnPutBench.RunAsync(run, settings, connections).ConfigureAwait(false);
            output.Write(report.Format());
            return report.ErrorCount == 0 ? 0 : 1;
        });
        root.Subcommands.Add(txnPut);

        root.Subcommands.Add(WatchCommand("watch", "Benchmark watch: creation latency, then event delivery latency under puts",
            streamsDefault: 10, perStreamDefault: 100, putTotalDefault: 1000, putRateDefault: 0, keySizeDefault: 32, valSizeDefault: 8,
            withKeySpace: true, Settings, output, printCreation: true));
        root.Subcommands.Add(WatchCommand("watch-latency", "Benchmark watch latency: time from a put to each watcher's event, at a steady put rate",
            streamsDefault: 10, perStreamDefault: 10, putTotalDefault: 1000, putRateDefault: 100, keySizeDefault: 32, valSizeDefault: 32,
            withKeySpace: false, Settings, output, printCreation: false));
        return root;
    }

    private static Command WatchCommand(string name, string description, int streamsDefault, int perStreamDefault, int putTotalDefault,
        int putRateDefault, int keySizeDefault, int valSizeDefault, bool withKeySpace, Func<ParseResult, int, RunSettings> settingsOf,
        TextWriter output, bool printCreation)
    {
        var streams = Positive(new Option<int>("--streams") { Description = "Total watch streams", DefaultValueFactory = _ => streamsDefault });
        var perStream = Positive(new Option<int>("--watch-per-stream") { Description = "Total watchers per stream", DefaultValueFactory = _ => perStreamDefault });
        var putTotal = NotNegative(new Option<int>("--put-total") { Description = "Number of put requests", DefaultValueFactory = _ => putTotalDefault });
        var putRate = NotNegative(new Option<int>("--put-rate") { Description = "Number of keys to put per second (0: as fast as possible)", DefaultValueFactory = _ => putRateDefault });
        var keySize = Positive(new Option<int>("--key-size") { Description = "Key size of watch request", DefaultValueFactory = _ => keySizeDefault });
        var valSize = NotNegative(new Option<int>("--val-size") { Description = "Value size of the puts (at least 8: the value carries the put's number)", DefaultValueFactory = _ => valSizeDefault });
        var keySpace = Positive(new Option<long>("--key-space-size") { Description = "Maximum possible keys", DefaultValueFactory = _ => 1 });
        var sequential = new Option<bool>("--sequential-keys") { Description = "Use sequential keys" };
        var command = new Command(name, description) { streams, perStream, putTotal, putRate, keySize, valSize };
        if (withKeySpace)
        {
            command.Options.Add(keySpace);
            command.Options.Add(sequential);
        }
        command.SetAction(async p =>
        {
            var watch = new WatchSettings(p.GetValue(streams), p.GetValue(perStream), p.GetValue(putTotal), p.GetValue(putRate),
                p.GetValue(keySize), p.GetValue(valSize), withKeySpace ? p.GetValue(keySpace) : 1, withKeySpace && p.GetValue(sequential));
            var run = settingsOf(p, watch.PutTotal);
            using var connections = await OpenAsync(run).ConfigureAwait(false);
            var result = await WatchBench.RunAsync(run, watch, connections).ConfigureAwait(false);
            if (printCreation)
            {
                output.WriteLine("Watch creation summary:");
                output.Write(result.Creation.Format());
                output.WriteLine();
            }
            output.WriteLine("Watch events received summary:");
            output.Write(result.Events.Format());
            return result.Creation.ErrorCount + result.Events.ErrorCount == 0 ? 0 : 1;
        });
        return command;
    }

    private static async Task<Connections> OpenAsync(RunSettings run)
    {
        var connections = new Connections(run.Endpoints, run.Conns, run.Transport);
        try
        {
            await connections.ConnectAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            return connections;
        }
        catch
        {
            connections.Dispose();
            throw;
        }
    }

    private static Option<T> Positive<T>(Option<T> option) where T : System.Numerics.INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>() <= T.Zero) r.AddError($"{option.Name} must be a positive number");
        });
        return option;
    }

    private static Option<T> NotNegative<T>(Option<T> option) where T : System.Numerics.INumber<T>
    {
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<T>() < T.Zero) r.AddError($"{option.Name} must not be negative");
        });
        return option;
    }
}
