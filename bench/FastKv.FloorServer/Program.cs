// fastkv-floor: serve etcd's KV Put and Range with no store behind them, to measure what the
// transport alone costs. Runs until SIGINT or SIGTERM. Exit codes: 0 stopped, 2 usage.
using System.Net;
using FastKv.FloorServer;

const string Usage = """
    usage: fastkv-floor --listen <ip:port> [--layer kestrel|grpc] [--fdatasync <dir>]

      --listen     loopback address to serve h2c gRPC on, e.g. 127.0.0.1:23790
      --layer      kestrel: bare Kestrel HTTP/2, one delegate answering an empty message
                   grpc:    FastKv.Grpc's host with KV Put and Range (default)
      --fdatasync  append a 360-byte record to a file in <dir> and fdatasync it in every Put
                   (every call, for --layer kestrel), one at a time
    """;

IPEndPoint? listen = null;
var layer = "grpc";
string? syncDirectory = null;
for (var i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--listen":
                listen = IPEndPoint.Parse(Value());
                if (!IPAddress.IsLoopback(listen.Address)) throw new ArgumentException("--listen must be a loopback address");
                break;
            case "--layer":
                layer = Value();
                if (layer is not ("kestrel" or "grpc")) throw new ArgumentException($"unknown layer '{layer}'");
                break;
            case "--fdatasync":
                syncDirectory = Value();
                break;
            case "-h" or "--help":
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new ArgumentException($"unknown argument '{args[i]}'");
        }
    }
    catch (Exception e) when (e is ArgumentException or FormatException)
    {
        Console.Error.WriteLine($"error: {e.Message}\n{Usage}");
        return 2;
    }
}
if (listen is null)
{
    Console.Error.WriteLine($"error: --listen is required\n{Usage}");
    return 2;
}

using var log = syncDirectory is null ? null : new SyncedLog(syncDirectory);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
if (layer == "kestrel")
{
    using var host = KestrelOnlyServer.Build(listen, log);
    await ServeAsync(host.StartAsync(), "bare Kestrel");
    await host.StopAsync();
}
else
{
    await using var host = GrpcLayerServer.Build(listen, log);
    await ServeAsync(host.StartAsync(), "FastKv.Grpc");
}
return 0;

async Task ServeAsync(Task starting, string what)
{
    await starting;
    Console.WriteLine($"serving {what} on {listen}");
    await Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { });
}
