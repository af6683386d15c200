// Alarms per etcd rule: activation, deactivation, listing, persistence in the alarm bucket,
// the Status errors text and what an active alarm refuses at apply.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Alarm;
using FastKv.Mvcc.Storage;
using FastKv.Mvcc.Tests.Support;
using Google.Protobuf;
using Action = FastKv.Api.Etcdserverpb.AlarmRequest.Types.AlarmAction;

namespace FastKv.Mvcc.Tests.Alarm;

public sealed class AlarmStoreTests : IDisposable
{
    private readonly TempBackend _store = new();
    private AlarmStore _alarms;

    public AlarmStoreTests() => _alarms = new AlarmStore(_store.Backend);

    public void Dispose() => _store.Dispose();

    private AlarmResponse Send(Action action, ulong member, AlarmType type) =>
        _alarms.Apply(new AlarmRequest { Action = action, MemberID = member, Alarm = type });

    [Fact]
    public void Activate_reports_the_alarm_and_get_lists_active_ones_by_type()
    {
        Assert.Single(Send(Action.Activate, 2, AlarmType.Nospace).Alarms);
        Assert.Single(Send(Action.Activate, 2, AlarmType.Nospace).Alarms); // already active: reported again, stored once
        Send(Action.Activate, 1, AlarmType.Nospace);
        Send(Action.Activate, 3, AlarmType.Corrupt);
        Assert.Empty(Send(Action.Activate, 3, AlarmType.None).Alarms);

        var all = Send(Action.Get, 0, AlarmType.None).Alarms;
        Assert.Equal([(1UL, AlarmType.Nospace), (2UL, AlarmType.Nospace), (3UL, AlarmType.Corrupt)], all.Select(a => (a.MemberID, a.Alarm)));
        Assert.Equal([3UL], Send(Action.Get, 0, AlarmType.Corrupt).Alarms.Select(a => a.MemberID));
        Assert.True(_alarms.IsActive(AlarmType.Nospace));
    }

    [Fact]
    public void Deactivate_returns_the_cleared_alarm_or_nothing()
    {
        Send(Action.Activate, 1, AlarmType.Nospace);
        Send(Action.Activate, 2, AlarmType.Nospace);
        Assert.Empty(Send(Action.Deactivate, 9, AlarmType.Nospace).Alarms);
        Assert.Equal(1UL, Assert.Single(Send(Action.Deactivate, 1, AlarmType.Nospace).Alarms).MemberID);
        Assert.True(_alarms.IsActive(AlarmType.Nospace));
        Send(Action.Deactivate, 2, AlarmType.Nospace);
        Assert.False(_alarms.IsActive(AlarmType.Nospace));
        Assert.Empty(_alarms.Get());
    }

    [Fact]
    public void Status_errors_read_like_etcds()
    {
        Send(Action.Activate, 10276657743932975437, AlarmType.Nospace);
        Assert.Equal(["memberID:10276657743932975437 alarm:NOSPACE "], _alarms.Errors());
    }

    [Fact]
    public void Alarms_persist_as_marshaled_members_with_empty_values()
    {
        Send(Action.Activate, 7, AlarmType.Nospace);
        Send(Action.Activate, 8, AlarmType.Corrupt);
        Send(Action.Activate, 9, AlarmType.Nospace);
        Send(Action.Deactivate, 9, AlarmType.Nospace);
        _store.Backend.Commit();
        var backend = _store.Reopen();

        using (var tx = backend.BeginRead())
        {
            var bucket = tx.GetBucket(BucketNames.Alarm)!;
            var key = new AlarmMember { MemberID = 7, Alarm = AlarmType.Nospace }.ToByteArray();
            Assert.True(bucket.TryGet(key, out var value));
            Assert.Equal(0, value.Length);
            Assert.False(bucket.TryGet(new AlarmMember { MemberID = 9, Alarm = AlarmType.Nospace }.ToByteArray(), out _));
        }
        _alarms = new AlarmStore(backend);
        Assert.Equal([(7UL, AlarmType.Nospace), (8UL, AlarmType.Corrupt)], _alarms.Get().Select(a => (a.MemberID, a.Alarm)));
    }

    private static InternalRaftRequest PutReq() => new() { Put = new PutRequest { Key = ByteString.CopyFromUtf8("k"), Value = ByteString.CopyFromUtf8("v") } };

    private static InternalRaftRequest TxnReq(bool withPut) => new()
    {
        Txn = new TxnRequest
        {
            Success = { new RequestOp { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8("k") } } },
            Failure =
            {
                withPut
                    ? new RequestOp { RequestTxn = new TxnRequest { Success = { new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8("k") } } } } }
                    : new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("k") } },
            },
        },
    };

    [Fact]
    public void Nospace_refuses_what_adds_data_and_lets_the_rest_through()
    {
        Send(Action.Activate, 1, AlarmType.Nospace);
        foreach (var refused in new[] { PutReq(), TxnReq(withPut: true), new InternalRaftRequest { LeaseGrant = new LeaseGrantRequest { TTL = 5, ID = 1 } } })
        {
            var e = Assert.Throws<EtcdException>(() => _alarms.EnsureAccepts(refused));
            Assert.Equal("etcdserver: mvcc: database space exceeded", e.Message);
            Assert.Equal(StatusCode.ResourceExhausted, e.Code);
        }
        _alarms.EnsureAccepts(TxnReq(withPut: false));
        _alarms.EnsureAccepts(new InternalRaftRequest { Range = new RangeRequest() });
        _alarms.EnsureAccepts(new InternalRaftRequest { DeleteRange = new DeleteRangeRequest() });
        _alarms.EnsureAccepts(new InternalRaftRequest { Compaction = new CompactionRequest { Revision = 3 } });
        _alarms.EnsureAccepts(new InternalRaftRequest { LeaseRevoke = new LeaseRevokeRequest { ID = 1 } });
        _alarms.EnsureAccepts(new InternalRaftRequest { Alarm = new AlarmRequest { Action = Action.Deactivate, MemberID = 1, Alarm = AlarmType.Nospace } });

        Send(Action.Deactivate, 1, AlarmType.Nospace);
        _alarms.EnsureAccepts(PutReq());
    }

    [Fact]
    public void Corrupt_refuses_key_space_and_lease_requests()
    {
        Send(Action.Activate, 1, AlarmType.Corrupt);
        foreach (var refused in new[] { PutReq(), TxnReq(false), new InternalRaftRequest { Range = new RangeRequest() }, new InternalRaftRequest { LeaseRevoke = new LeaseRevokeRequest { ID = 1 } } })
        {
            var e = Assert.Throws<EtcdException>(() => _alarms.EnsureAccepts(refused));
            Assert.Equal("etcdserver: corrupt cluster", e.Message);
            Assert.Equal(StatusCode.DataLoss, e.Code);
        }
        _alarms.EnsureAccepts(new InternalRaftRequest { Alarm = new AlarmRequest { Action = Action.Get } });
    }
}
