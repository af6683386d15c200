// The transaction the allocation tests apply over existing keys: put the key if it exists
// (mod revision > 0), otherwise read it, the shape of a Kubernetes optimistic update.
using FastKv.Api.Etcdserverpb;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Kv;

internal static class CompareAndPut
{
    public static TxnRequest For(ByteString key, ByteString value)
    {
        var t = new TxnRequest();
        t.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Greater, ModRevision = 0 });
        t.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = value } });
        t.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = key } });
        return t;
    }
}
