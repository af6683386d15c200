// The kinds of WAL records, with etcd's numbering (walpb.Record.type).
namespace FastKv.Wal;

public enum RecordType : long
{
    Metadata = 1,
    Entry = 2,
    State = 3,
    Crc = 4,
    Snapshot = 5,
}
