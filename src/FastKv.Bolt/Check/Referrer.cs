// Who points at a page: the meta (root bucket, freelist), a branch element, a bucket header in a
// leaf element, or the page an overflow page belongs to. Used to say "referenced by X and by Y".
namespace FastKv.Bolt.Check;

public enum ReferrerKind : byte { None, MetaRoot, MetaFreelist, BranchElement, BucketElement, OverflowOf, MetaPage }

public readonly record struct Referrer(ReferrerKind Kind, ulong Page, int Element)
{
    public static Referrer MetaRoot => new(ReferrerKind.MetaRoot, 0, -1);
    public static Referrer MetaFreelist => new(ReferrerKind.MetaFreelist, 0, -1);
    public static Referrer Branch(ulong page, int element) => new(ReferrerKind.BranchElement, page, element);
    public static Referrer Bucket(ulong page, int element) => new(ReferrerKind.BucketElement, page, element);
    public static Referrer Overflow(ulong page) => new(ReferrerKind.OverflowOf, page, -1);

    public bool IsSet => Kind != ReferrerKind.None;

    public override string ToString() => Kind switch
    {
        ReferrerKind.MetaRoot => "the meta's root bucket",
        ReferrerKind.MetaFreelist => "the meta's freelist",
        ReferrerKind.BranchElement => $"page {Page} element {Element}",
        ReferrerKind.BucketElement => $"the bucket in page {Page} element {Element}",
        ReferrerKind.OverflowOf => $"page {Page} (as its overflow)",
        ReferrerKind.MetaPage => "the file layout (meta page)",
        _ => "nothing",
    };
}
