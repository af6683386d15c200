// The child process of the kill tests, run as `dotnet FastKv.Bolt.Tests.dll killed-writer <db> <first>`
// (the test assembly is its own entry point; xunit never calls it). It commits one transaction per
// number from <first> on, and prints the number only after Commit returned: a printed number is an
// acknowledged commit, which must survive the SIGKILL the parent sends at a random moment.
namespace FastKv.Bolt.Tests.Durability;

public static class KilledWriter
{
    public const string Verb = "killed-writer";
    public const int Limit = 100_000;

    public static int Main(string[] args)
    {
        if (args.Length != 3 || args[0] != Verb || !int.TryParse(args[2], out int first))
        {
            Console.Error.WriteLine($"usage: dotnet FastKv.Bolt.Tests.dll {Verb} <db file> <first commit number>");
            return 2;
        }
        using var db = BoltDb.Open(args[1]);
        for (int i = first; i < first + Limit; i++)
        {
            db.Update(tx => Apply(tx, i));
            Console.Out.WriteLine(i);
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>Commit number <paramref name="i"/>: one key, now and then a delete, and every 25th a batch that
    /// touches many pages, so both the one-sync and the two-sync paths (file growth) run.</summary>
    public static void Apply(Tx tx, int i)
    {
        var b = tx.CreateBucketIfNotExists(Bytes.Of("w"));
        b.Put(Key(i), Value(i));
        if (i % 7 == 0) b.Delete(Key(i - 5));
        if (i % 25 == 0)
            for (int j = 0; j < 40; j++) b.Put(Key(1_000_000 + (i * 131 + j * 7919) % 5000), Value(i + j));
    }

    public static void ApplyToModel(SortedDictionary<string, string> model, int i)
    {
        model[Bytes.Text(Key(i))] = Convert.ToHexString(Value(i));
        if (i % 7 == 0) model.Remove(Bytes.Text(Key(i - 5)));
        if (i % 25 == 0)
            for (int j = 0; j < 40; j++) model[Bytes.Text(Key(1_000_000 + (i * 131 + j * 7919) % 5000))] = Convert.ToHexString(Value(i + j));
    }

    private static byte[] Key(int i) => Bytes.Of($"key{i:D8}");

    private static byte[] Value(int i)
    {
        var v = new byte[(i * 37) % 700];
        for (int k = 0; k < v.Length; k++) v[k] = (byte)(i + k);
        return v;
    }
}
