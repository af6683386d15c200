// Reads the command line and ETCD_* environment into raw flag values with Go flag-package
// rules (-flag and --flag, =value or the next argument, bool flags only with =), because
// operators carry etcd command lines and unit files over unchanged. A flag given on the
// command line wins over its environment variable, with a warning, as in etcd.
using System.Globalization;

namespace FastKv.Server.Config;

public sealed class FlagSet
{
    private readonly Dictionary<string, string> _values = new();
    private readonly HashSet<string> _explicit = new();

    public bool HelpRequested { get; private set; }
    public bool VersionRequested { get; private set; }
    public List<string> Warnings { get; } = new();

    public static FlagSet Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var set = new FlagSet();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--") { if (i + 1 < args.Count) throw new FlagParseException($"'{args[i + 1]}' is not a valid flag"); break; }
            if (arg.Length < 2 || arg[0] != '-')
                throw new FlagParseException($"'{arg}' is not a valid flag");
            var body = arg[1] == '-' ? arg[2..] : arg[1..];
            if (body.Length == 0 || body[0] is '-' or '=')
                throw new FlagParseException($"bad flag syntax: {arg}");
            string? inline = null;
            var eq = body.IndexOf('=');
            if (eq >= 0) { inline = body[(eq + 1)..]; body = body[..eq]; }

            if (body is "h" or "help") { set.HelpRequested = true; continue; }
            if (body == "version") { set.VersionRequested = inline is null || ParseBool(inline, "-version"); continue; }

            var spec = FlagTable.Find(body) ?? throw new FlagParseException($"flag provided but not defined: -{body}");
            string value;
            if (spec.Kind == FlagKind.Bool)
            {
                value = inline ?? "true";
            }
            else if (inline is not null)
            {
                value = inline;
            }
            else
            {
                if (i + 1 >= args.Count) throw new FlagParseException($"flag needs an argument: -{body}");
                value = args[++i];
            }
            Validate(spec, value, $"flag -{spec.Name}");
            set._values[spec.Name] = value;
            set._explicit.Add(spec.Name);
        }

        if (set._values.TryGetValue("config-file", out var configPath) && configPath.Length > 0)
        {
            // etcd: a config file replaces the command line and the environment entirely.
            var fromFile = ConfigFile.Read(configPath);
            set._values.Clear();
            set._explicit.Clear();
            foreach (var (name, value) in fromFile)
            {
                var spec = FlagTable.Find(name)!;
                Validate(spec, value, $"config file setting {name}");
                set._values[name] = value;
                set._explicit.Add(name);
            }
            set._values["config-file"] = configPath;
            set.CheckSupported();
            return set;
        }

        foreach (var (name, value) in environment)
        {
            if (!name.StartsWith("ETCD_", StringComparison.Ordinal)) continue;
            var spec = FindByEnvironment(name);
            if (spec is null)
            {
                if (name is not ("ETCD_UNSUPPORTED_ARCH" or "ETCDCTL_API"))
                    set.Warnings.Add($"unrecognized environment variable {name}={value}");
                continue;
            }
            if (set._explicit.Contains(spec.Name))
            {
                set.Warnings.Add($"conflicting environment variable \"{name}\" is shadowed by corresponding command-line flag (either unset environment variable or disable flag)");
                continue;
            }
            Validate(spec, value, name);
            set._values[spec.Name] = value;
        }
        set.CheckSupported();
        return set;
    }

    // Features that land with later work are refused when asked for, never silently ignored.
    private void CheckSupported()
    {
        foreach (var (name, value) in _values)
        {
            var spec = FlagTable.Find(name);
            if (spec?.UnsupportedBeyondDefault != true || value == spec.Default) continue;
            if (spec.Kind == FlagKind.Bool && TryParseBool(value, out var asked) && TryParseBool(spec.Default, out var byDefault) && asked == byDefault) continue;
            throw new FlagParseException($"--{name}={value} is not supported by this FastKv build yet (only its default, \"{spec.Default}\")");
        }
    }

    public bool IsSet(string name) => _values.ContainsKey(name);

    public string GetString(string name)
    {
        if (_values.TryGetValue(name, out var v)) return v;
        return (FlagTable.Find(name) ?? throw new ArgumentException($"unknown flag {name}")).Default;
    }

    public bool GetBool(string name) => ParseBool(GetString(name), name);

    public long GetInt(string name) => long.Parse(GetString(name), CultureInfo.InvariantCulture);

    public ulong GetUInt(string name) => ulong.Parse(GetString(name), CultureInfo.InvariantCulture);

    public TimeSpan GetDuration(string name) =>
        GoDuration.TryParse(GetString(name), out var d) ? d : throw new FlagParseException($"invalid duration for {name}");

    public IReadOnlyList<Uri> GetUrls(string name) => ParseUrls(GetString(name), name);

    private static FlagSpec? FindByEnvironment(string variable)
    {
        foreach (var f in FlagTable.All)
            if (f.EnvironmentVariable == variable) return f;
        return null;
    }

    private static void Validate(FlagSpec spec, string value, string source)
    {
        var ok = spec.Kind switch
        {
            FlagKind.Bool => TryParseBool(value, out _),
            FlagKind.Int => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _),
            FlagKind.UInt => ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _),
            FlagKind.Duration => GoDuration.TryParse(value, out _),
            FlagKind.Urls => TryParseUrls(value, out _),
            _ => true,
        };
        if (!ok)
            throw new FlagParseException(spec.Kind == FlagKind.Urls
                ? $"invalid value \"{value}\" for {source}: URL scheme must be http, https, unix, or unixs: {value}"
                : $"invalid value \"{value}\" for {source}: parse error");
    }

    private static bool ParseBool(string value, string name) =>
        TryParseBool(value, out var b) ? b : throw new FlagParseException($"invalid boolean value \"{value}\" for {name}");

    // Go's strconv.ParseBool.
    private static bool TryParseBool(string value, out bool result)
    {
        switch (value)
        {
            case "1" or "t" or "T" or "true" or "TRUE" or "True": result = true; return true;
            case "0" or "f" or "F" or "false" or "FALSE" or "False": result = false; return true;
            default: result = false; return false;
        }
    }

    private static IReadOnlyList<Uri> ParseUrls(string value, string name) =>
        TryParseUrls(value, out var urls) ? urls : throw new FlagParseException($"invalid URLs for {name}: {value}");

    private static bool TryParseUrls(string value, out List<Uri> urls)
    {
        urls = new List<Uri>();
        if (value.Length == 0) return true;
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(part, UriKind.Absolute, out var uri)) return false;
            if (uri.Scheme is not ("http" or "https" or "unix" or "unixs")) return false;
            urls.Add(uri);
        }
        return true;
    }
}
