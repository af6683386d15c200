// What real etcd 3.4 wrote opens here: its lease record (the 3600 s lease of
// etcd-3.4-leases.json), its auth bucket (auth off, revision 1) and its empty alarm bucket;
// and lease IDs this member generates follow etcd's layout for the same member ID.
using FastKv.Mvcc.Alarm;
using FastKv.Mvcc.Auth;
using FastKv.Mvcc.Lease;
using FastKv.Mvcc.Storage;

namespace FastKv.Mvcc.Tests.Lease;

public sealed class EtcdSnapshotInteropTests : IDisposable
{
    private const long EtcdLeaseId = 7516967353137180377;
    private const ulong EtcdMemberId = 9900347263967225937;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fastkv-lease-interop-");

    public void Dispose()
    {
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Etcds_lease_auth_and_alarm_buckets_load()
    {
        var path = EtcdSnapshotFixture.CopyTo(_dir.FullName);
        using var backend = Backend.Open(path, new BackendOptions { NoSync = true });

        var lessor = new Lessor(backend);
        var lease = Assert.Single(lessor.Leases().Leases);
        Assert.Equal(EtcdLeaseId, lease.ID);
        Assert.Equal(3600, lessor.TimeToLive(EtcdLeaseId, false).GrantedTTL);

        var auth = new AuthStore(backend);
        Assert.False(auth.IsEnabled);
        Assert.Equal(1UL, auth.Revision);
        Assert.Empty(auth.UserList().Users);

        Assert.Empty(new AlarmStore(backend).Get());
    }

    [Fact]
    public void Generated_lease_ids_carry_the_same_member_prefix_as_etcds()
    {
        var generated = new LeaseIdGenerator(EtcdMemberId).Next();
        Assert.Equal(EtcdLeaseId >> 48, generated >> 48);
    }
}
