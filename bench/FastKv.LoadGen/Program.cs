// fastkv-benchmark: parse etcd benchmark's command line, run it, map failures to exit codes
// (0 ok, 1 some requests failed or the endpoint is unreachable, 2 usage errors).
using System.CommandLine;
using FastKv.Grpc;
using FastKv.LoadGen;

var root = CommandLine.Build(Console.Out, Console.Error);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"error: {error.Message}");
    return 2;
}
// The h2 transport's reader loops do little work per wake-up and never block, so socket
// completions run inline on the epoll thread instead of hopping to the thread pool (a hop and a
// wake-up per read). Read once, when the first socket is created, so it is set before any.
// HttpClient's connections do more per completion and keep the default; so does an explicit setting.
const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
if (parsed.GetValue<string>("--transport") != "httpclient" && Environment.GetEnvironmentVariable(InlineCompletions) is null)
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
catch (RpcException e)
{
    Console.Error.WriteLine($"error: {e}");
    return 1;
}
