// Operations of the model-based property test, and their generators.
using FsCheck;
using FsCheck.Fluent;

namespace FastKv.Bolt.Tests.Properties;

public enum OpKind { Put, Delete, DeleteBucket }

/// <summary>One change inside a transaction. Bucket 0 and 1 are top level; bucket 2 lives inside bucket 0.</summary>
public sealed record ModelOperation(OpKind Kind, int Bucket, int Key, int KeyPad, int ValueSize)
{
    public byte[] KeyBytes => Bytes.Of($"k{Key:D4}" + new string('-', KeyPad));
    public override string ToString() => $"{Kind}(b{Bucket},k{Key}+{KeyPad},{ValueSize})";
}

/// <summary>A transaction: its operations, whether it commits, and whether the file is reopened after it.</summary>
public sealed record ModelTransaction(ModelOperation[] Operations, bool Commit, bool ReopenAfter)
{
    public override string ToString() =>
        $"[{string.Join(' ', Operations.Select(o => o.ToString()))}] {(Commit ? "commit" : "rollback")}{(ReopenAfter ? " reopen" : "")}";
}

public static class ModelGenerators
{
    private static Gen<ModelOperation> Operation(int keySpace) =>
        from kind in Gen.Frequency((12, Gen.Constant(OpKind.Put)), (6, Gen.Constant(OpKind.Delete)), (1, Gen.Constant(OpKind.DeleteBucket)))
        from bucket in Gen.Choose(0, 2)
        from key in Gen.Choose(0, keySpace)
        from pad in Gen.Frequency((8, Gen.Constant(0)), (2, Gen.Choose(1, 200)), (1, Gen.Choose(1000, 3000)))
        from size in Gen.Frequency((10, Gen.Choose(0, 300)), (3, Gen.Choose(300, 2000)), (1, Gen.Choose(4000, 20000)))
        select new ModelOperation(kind, bucket, key, pad, size);

    private static Gen<ModelTransaction> Transaction(int keySpace) =>
        from count in Gen.Frequency((3, Gen.Choose(1, 20)), (1, Gen.Choose(100, 600)))
        from ops in Gen.ArrayOf(Operation(keySpace), count)
        from commit in Gen.Frequency((6, Gen.Constant(true)), (1, Gen.Constant(false)))
        from reopen in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new ModelTransaction(ops, commit, reopen);

    public static Gen<ModelTransaction[]> Sequence =>
        from keySpace in Gen.Elements(20, 500, 3000)
        from length in Gen.Choose(1, 25)
        from txs in Gen.ArrayOf(Transaction(keySpace), length)
        select txs;
}
