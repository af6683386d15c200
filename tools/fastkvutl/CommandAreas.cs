// The list of command areas the tool offers; each area's builder lives in its own folder.
using System.CommandLine;
using FastKv.Util.Db;

namespace FastKv.Util;

internal static class CommandAreas
{
    public static IEnumerable<Command> All() => new Command[]
    {
        DbCommands.Build(),
    };
}
