// The text of --help and --version.
using System.Runtime.InteropServices;
using System.Text;
using FastKv.Server.Config;

namespace FastKv.Server;

public static class Usage
{
    public static string FastKvVersion =>
        typeof(Usage).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string Version(string etcdVersion) =>
        $"FastKv Version: {FastKvVersion}\netcd API Version: {etcdVersion}\n.NET Version: {RuntimeInformation.FrameworkDescription}\nOS/Arch: {RuntimeInformation.OSDescription}/{RuntimeInformation.OSArchitecture}\n";

    public static string Text()
    {
        var sb = new StringBuilder();
        sb.AppendLine("Usage:");
        sb.AppendLine();
        sb.AppendLine("  fastkv [flags]");
        sb.AppendLine("    Start a FastKv member (an etcd v3 compatible server).");
        sb.AppendLine();
        sb.AppendLine("  fastkv --version");
        sb.AppendLine("    Show the version of FastKv and of the etcd API it speaks.");
        sb.AppendLine();
        sb.AppendLine("  fastkv -h | --help");
        sb.AppendLine("    Show this help.");
        sb.AppendLine();
        sb.AppendLine("Flags (each also read from the environment as ETCD_<NAME>, e.g. ETCD_DATA_DIR):");
        foreach (var f in FlagTable.All)
        {
            sb.Append("  --").Append(f.Name);
            if (f.Kind != FlagKind.Bool) sb.Append(" '").Append(f.Default).Append('\'');
            else sb.Append(" (default ").Append(f.Default).Append(')');
            sb.AppendLine();
            sb.Append("      ").AppendLine(f.Help);
        }
        return sb.ToString();
    }
}
