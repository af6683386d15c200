// The HTTP/2 settings Kestrel advertises that the authority rewriter must respect: the HPACK table
// size the client's encoder may use and the largest frame Kestrel accepts.
namespace FastKv.Grpc.Hosting;

internal sealed record AuthorityRewriteLimits(int HeaderTableSize, int MaxFrameSize)
{
    /// <summary>A header block larger than this is left to Kestrel, which refuses far smaller ones.</summary>
    public int MaxBlockSize => 1 << 20;
}
