// Page and key counts of a bucket tree, summed over nested buckets.
namespace FastKv.Bolt;

public sealed class BucketStats
{
    public long BranchPageN { get; set; }
    public long BranchOverflowN { get; set; }
    public long LeafPageN { get; set; }
    public long LeafOverflowN { get; set; }
    public long KeyN { get; set; }
    public int Depth { get; set; }
    public long BranchAlloc { get; set; }
    public long BranchInuse { get; set; }
    public long LeafAlloc { get; set; }
    public long LeafInuse { get; set; }
    public long BucketN { get; set; }
    public long InlineBucketN { get; set; }
    public long InlineBucketInuse { get; set; }

    internal void Add(BucketStats other)
    {
        BranchPageN += other.BranchPageN;
        BranchOverflowN += other.BranchOverflowN;
        LeafPageN += other.LeafPageN;
        LeafOverflowN += other.LeafOverflowN;
        KeyN += other.KeyN;
        BranchAlloc += other.BranchAlloc;
        BranchInuse += other.BranchInuse;
        LeafAlloc += other.LeafAlloc;
        LeafInuse += other.LeafInuse;
        BucketN += other.BucketN;
        InlineBucketN += other.InlineBucketN;
        InlineBucketInuse += other.InlineBucketInuse;
    }
}
