// The backend quota: the flag's defaults and limits, etcd's cost estimates, and the
// boundary where a request stops fitting.
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Alarm;
using Google.Protobuf;

namespace FastKv.Mvcc.Tests.Alarm;

public sealed class BackendQuotaTests
{
    private static PutRequest Put(int keyBytes, int valueBytes) => new()
    {
        Key = ByteString.CopyFrom(new byte[keyBytes]),
        Value = ByteString.CopyFrom(new byte[valueBytes]),
    };

    [Fact]
    public void Flag_zero_means_two_gib_negative_disables_and_above_eight_gib_warns()
    {
        var byDefault = BackendQuota.FromFlag(0);
        Assert.True(byDefault.Enabled);
        Assert.Equal(2L << 30, byDefault.Bytes);
        Assert.Null(byDefault.Warning);

        Assert.Equal(1000, BackendQuota.FromFlag(1000).Bytes);

        var huge = BackendQuota.FromFlag(9L << 30);
        Assert.Equal(9L << 30, huge.Bytes);
        Assert.Equal($"backend quota {9L << 30} exceeds maximum recommended quota {8L << 30}", huge.Warning);

        var off = BackendQuota.FromFlag(-1);
        Assert.False(off.Enabled);
        Assert.True(off.CanAccept(Put(10, 10), long.MaxValue / 2));
    }

    [Fact]
    public void Costs_follow_etcds_estimates()
    {
        Assert.Equal(256 + 3 + 5, BackendQuota.Cost(Put(3, 5)));
        var txn = new TxnRequest
        {
            Success = { new RequestOp { RequestPut = Put(10, 10) }, new RequestOp { RequestRange = new RangeRequest() } },
            Failure = { new RequestOp { RequestPut = Put(100, 0) }, new RequestOp { RequestTxn = new TxnRequest { Failure = { new RequestOp { RequestPut = Put(0, 0) } } } } },
        };
        Assert.Equal(Math.Max(276, 356 + 256), BackendQuota.Cost(txn));
        Assert.Equal(64, BackendQuota.Cost(new InternalRaftRequest { LeaseGrant = new LeaseGrantRequest { TTL = 1 } }));
        Assert.Equal(0, BackendQuota.Cost(new InternalRaftRequest { DeleteRange = new DeleteRangeRequest() }));
        Assert.Equal(0, BackendQuota.Cost(new TxnRequest()));
    }

    [Fact]
    public void A_request_fits_only_while_it_stays_below_the_quota()
    {
        var quota = BackendQuota.FromFlag(10_000);
        var put = Put(4, 40); // cost 300
        Assert.True(quota.CanAccept(put, 9_699));
        Assert.False(quota.CanAccept(put, 9_700));
        Assert.True(quota.CanAccept(new LeaseGrantRequest { TTL = 5 }, 9_935));
        Assert.False(quota.CanAccept(new LeaseGrantRequest { TTL = 5 }, 9_936));
        Assert.True(quota.CanAccept(new TxnRequest(), 9_999));
        Assert.False(quota.CanAccept(new TxnRequest(), 10_000));
        Assert.True(quota.CanAccept(new InternalRaftRequest { Put = put }, 0));
    }
}
