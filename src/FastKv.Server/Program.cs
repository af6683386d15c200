// The fastkv executable: etcd's command line in, a serving member out. Flag errors exit with
// status 2 and a message naming the flag; --help and --version print and exit 0.
using FastKv.Server;
using FastKv.Server.Config;
using FastKv.Server.Logging;

var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
    .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
FlagSet flags;
ServerConfig config;
try
{
    flags = FlagSet.Parse(args, environment);
    if (flags.HelpRequested)
    {
        Console.Out.Write(Usage.Text());
        return 0;
    }
    if (flags.VersionRequested)
    {
        Console.Out.Write(Usage.Version(flags.GetString("etcd-version")));
        return 0;
    }
    config = ServerConfig.From(flags);
}
catch (FlagParseException e)
{
    Console.Error.WriteLine($"fastkv: {e.Message}");
    Console.Error.WriteLine("See 'fastkv --help'.");
    return 2;
}

var log = new JsonLog(Console.OpenStandardError(), JsonLog.ParseLevel(config.LogLevel), "etcdmain");
foreach (var warning in flags.Warnings)
    log.Warn(warning);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });

try
{
    await using var server = await ServerHost.StartAsync(config, log).ConfigureAwait(false);
    await server.WaitForShutdownAsync(stop.Token).ConfigureAwait(false);
    log.Info("received signal; shutting down");
    return 0;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or FlagParseException
                              or FastKv.Wal.WalCorruptException or FastKv.Wal.WalLockedException or FastKv.Bolt.BoltException
                              or System.Net.Sockets.SocketException)
{
    log.Fatal("failed to start member", ("error", e.Message));
    return 1;
}
