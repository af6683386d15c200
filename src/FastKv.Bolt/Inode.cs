// One element of an in-memory node: a key and either a value (leaf) or a child page id (branch).
namespace FastKv.Bolt;

internal struct Inode
{
    public uint Flags;
    public ulong Pgid;
    public byte[] Key;
    public byte[] Value;

    public Inode(uint flags, ulong pgid, byte[] key, byte[] value)
    {
        Flags = flags;
        Pgid = pgid;
        Key = key;
        Value = value;
    }
}
