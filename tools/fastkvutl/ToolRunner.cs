// Maps a parsed command line to the tool's exit-code contract: 0 ok, 1 problems found or the
// operation failed, 2 usage errors. Actions return their own code; exceptions they do not handle
// become a one-line error instead of a stack trace.
using System.CommandLine;

namespace FastKv.Util;

internal static class ToolRunner
{
    public const int Ok = 0;
    public const int ProblemsFound = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
                Console.Error.WriteLine($"error: {error.Message}");
            Console.Error.WriteLine("Run with --help to see the commands and options.");
            return Usage;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ProblemsFound;
        }
    }
}

/// <summary>Thrown by an action when the arguments are well-formed but unusable (a missing input file, say).</summary>
internal sealed class UsageException(string message) : Exception(message);
