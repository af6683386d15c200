// The answer to Hash/HashKV: the checksum members compare, and the revisions it describes.
namespace FastKv.Mvcc.Kv;

public readonly record struct KvHash(uint Hash, long CompactRevision, long Revision);
