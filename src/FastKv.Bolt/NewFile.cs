// Lays out an empty page file: two metas (txids 0 and 1), an empty freelist on page 2 and an
// empty root leaf on page 3, so the first real commit is transaction 2.
using FastKv.Bolt.Format;
using FastKv.Bolt.Io;
using Microsoft.Win32.SafeHandles;

namespace FastKv.Bolt;

internal static unsafe class NewFile
{
    public static void Initialize(SafeFileHandle file, int pageSize, bool noSync)
    {
        if (pageSize <= 0 || !PageSizes.IsPlausible((uint)pageSize))
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize,
                $"page size must be a power of two between {PageSizes.Min} and {PageSizes.Max}");
        byte[] buffer = new byte[pageSize * 4];
        fixed (byte* b = buffer)
        {
            for (uint i = 0; i < 2; i++)
            {
                byte* page = b + i * pageSize;
                var header = (PageHeader*)page;
                header->Id = i;
                header->Flags = PageFlags.Meta;
                ref var meta = ref PageReader.MetaOf(page);
                meta.Magic = Meta.MagicValue;
                meta.Version = Meta.VersionValue;
                meta.PageSize = (uint)pageSize;
                meta.Freelist = 2;
                meta.Root = new BucketHeader { Root = 3 };
                meta.Pgid = 4;
                meta.Txid = i;
                meta.Seal();
            }
            var freelist = (PageHeader*)(b + 2 * pageSize);
            freelist->Id = 2;
            freelist->Flags = PageFlags.Freelist;
            var leaf = (PageHeader*)(b + 3 * pageSize);
            leaf->Id = 3;
            leaf->Flags = PageFlags.Leaf;
        }
        RandomAccess.Write(file, buffer, 0);
        if (!noSync) Posix.Fdatasync(file);
    }
}
