// Turns the page file library's own errors (damaged, locked, unsupported files) into the tool's
// one-line error and exit code 1, the way ToolRunner already does for I/O errors.
using FastKv.Bolt;

namespace FastKv.Util.Db;

internal static class DbErrors
{
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (BoltException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ToolRunner.ProblemsFound;
        }
    }
}
