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
