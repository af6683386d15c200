// The cluster's raised alarms (NOSPACE, CORRUPT) per member, persisted in bucket `alarm`
// with the marshaled etcdserverpb.AlarmMember as key and an empty value, as etcd stores
// them. It also decides which applied requests an active alarm refuses: NOSPACE refuses
// what adds data (puts, transactions with puts, lease grants) while reads, deletes,
// compaction and alarm changes go on, so an operator can free space and disarm; CORRUPT
// refuses every key-space and lease change and every read.
using FastKv.Api;
using FastKv.Api.Etcdserverpb;
using FastKv.Mvcc.Storage;
using Google.Protobuf;

namespace FastKv.Mvcc.Alarm;

public sealed class AlarmStore
{
    private readonly object _gate = new();
    private readonly Backend _backend;
    private readonly SortedSet<(AlarmType Type, ulong Member)> _active = new();

    public AlarmStore(Backend backend)
    {
        _backend = backend;
        Reload();
    }

    /// <summary>Reads the bucket's last committed state again (open, or after a snapshot replaced the file).</summary>
    public void Reload()
    {
        lock (_gate)
        {
            _active.Clear();
            using var tx = _backend.BeginRead();
            var bucket = tx.GetBucket(BucketNames.Alarm);
            if (bucket is null) return;
            var cursor = bucket.Cursor();
            for (var ok = cursor.First(out var key, out _); ok; ok = cursor.Next(out key, out _))
            {
                AlarmMember member;
                try
                {
                    member = AlarmMember.Parser.ParseFrom(key);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new InvalidDataException($"alarm bucket: key {Convert.ToHexString(key)} is not an AlarmMember: {e.Message}", e);
                }
                _active.Add((member.Alarm, member.MemberID));
            }
        }
    }

    /// <summary>Apply of an AlarmRequest: the alarms it changed (ACTIVATE/DEACTIVATE) or matched (GET).</summary>
    public AlarmResponse Apply(AlarmRequest request)
    {
        var response = new AlarmResponse();
        switch (request.Action)
        {
            case AlarmRequest.Types.AlarmAction.Get:
                response.Alarms.AddRange(Get(request.Alarm));
                break;
            case AlarmRequest.Types.AlarmAction.Activate:
                if (Activate(request.MemberID, request.Alarm) is { } raised) response.Alarms.Add(raised);
                break;
            case AlarmRequest.Types.AlarmAction.Deactivate:
                if (Deactivate(request.MemberID, request.Alarm) is { } cleared) response.Alarms.Add(cleared);
                break;
            default:
                throw new EtcdException(StatusCode.InvalidArgument, $"etcdserver: unknown alarm action {(int)request.Action}");
        }
        return response;
    }

    /// <summary>Raises an alarm; returns it (also when it was already active), or null for NONE or an unknown type.</summary>
    public AlarmMember? Activate(ulong memberId, AlarmType type)
    {
        if (!IsKnown(type)) return null;
        var member = new AlarmMember { MemberID = memberId, Alarm = type };
        lock (_gate)
        {
            if (_active.Add((type, memberId)))
                _backend.Put(BucketNames.Alarm, member.ToByteArray(), ReadOnlySpan<byte>.Empty);
        }
        return member;
    }

    /// <summary>Clears an alarm; returns it, or null when it was not active.</summary>
    public AlarmMember? Deactivate(ulong memberId, AlarmType type)
    {
        var member = new AlarmMember { MemberID = memberId, Alarm = type };
        lock (_gate)
        {
            if (!_active.Remove((type, memberId))) return null;
            _backend.Delete(BucketNames.Alarm, member.ToByteArray());
        }
        return member;
    }

    /// <summary>Active alarms of a type, or all of them for NONE; ordered by type, then member.</summary>
    public List<AlarmMember> Get(AlarmType type = AlarmType.None)
    {
        lock (_gate)
        {
            return _active
                .Where(a => type == AlarmType.None || a.Type == type)
                .Select(a => new AlarmMember { MemberID = a.Member, Alarm = a.Type })
                .ToList();
        }
    }

    public bool IsActive(AlarmType type)
    {
        lock (_gate) return _active.Any(a => a.Type == type);
    }

    /// <summary>The alarms as StatusResponse.errors lists them (protobuf compact text, as etcd prints).</summary>
    public List<string> Errors()
    {
        lock (_gate)
            return _active.Select(a => $"memberID:{a.Member} alarm:{Name(a.Type)} ").ToList();
    }

    /// <summary>
    /// Refuses, at apply, a request an active alarm forbids: NoSpace for puts, transactions
    /// with puts and lease grants under NOSPACE; Corrupt for key-space and lease requests under CORRUPT.
    /// </summary>
    public void EnsureAccepts(InternalRaftRequest request)
    {
        bool corrupt, noSpace;
        lock (_gate)
        {
            if (_active.Count == 0) return;
            corrupt = _active.Any(a => a.Type == AlarmType.Corrupt);
            noSpace = _active.Any(a => a.Type == AlarmType.Nospace);
        }
        if (corrupt && (request.Put is not null || request.Range is not null || request.DeleteRange is not null ||
                        request.Txn is not null || request.Compaction is not null ||
                        request.LeaseGrant is not null || request.LeaseRevoke is not null))
            throw EtcdErrors.Corrupt();
        if (noSpace && BackendQuota.Cost(request) > 0) throw EtcdErrors.NoSpace();
    }

    private static bool IsKnown(AlarmType type) => type is AlarmType.Nospace or AlarmType.Corrupt;

    private static string Name(AlarmType type) => type switch
    {
        AlarmType.Nospace => "NOSPACE",
        AlarmType.Corrupt => "CORRUPT",
        _ => ((int)type).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
