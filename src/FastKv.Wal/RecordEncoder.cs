// Encodes WAL records straight into a WriteBuffer, keeping the running CRC-32C that chains every
// record to the ones before it. The payload is encoded in place after a worst-case header gap, checksummed,
// and then slid left against its real header, so nothing is encoded twice and nothing is allocated.
using System.Buffers.Binary;

namespace FastKv.Wal;

internal sealed class RecordEncoder(uint previousCrc)
{
    private const int DataOffset = FrameSize.LengthFieldBytes + WalRecord.MaxHeaderSize;

    /// <summary>The running checksum after the last encoded record.</summary>
    public uint Crc { get; private set; } = previousCrc;

    public int EncodeEntry(WriteBuffer buffer, in RaftEntry entry)
    {
        int size = entry.EncodedSize;
        var data = Begin(buffer, size);
        entry.Encode(data);
        return Finish(buffer, RecordType.Entry, size);
    }

    public int EncodeState(WriteBuffer buffer, in HardState state)
    {
        int size = state.EncodedSize;
        var data = Begin(buffer, size);
        state.Encode(data);
        return Finish(buffer, RecordType.State, size);
    }

    public int EncodeSnapshot(WriteBuffer buffer, in WalSnapshot snapshot)
    {
        int size = snapshot.EncodedSize;
        var data = Begin(buffer, size);
        snapshot.Encode(data);
        return Finish(buffer, RecordType.Snapshot, size);
    }

    public int EncodeMetadata(WriteBuffer buffer, ReadOnlySpan<byte> metadata)
    {
        var data = Begin(buffer, metadata.Length);
        metadata.CopyTo(data);
        return Finish(buffer, RecordType.Metadata, metadata.Length);
    }

    /// <summary>The record that opens a segment: no data, and the chain's value so far as its crc.</summary>
    public int EncodeCrc(WriteBuffer buffer)
    {
        Begin(buffer, 0);
        return Finish(buffer, RecordType.Crc, 0);
    }

    private static Span<byte> Begin(WriteBuffer buffer, int dataSize) =>
        buffer.GetSpan(DataOffset + dataSize + 8).Slice(DataOffset, dataSize);

    private int Finish(WriteBuffer buffer, RecordType type, int dataSize)
    {
        var frame = buffer.GetSpan(DataOffset + dataSize + 8);
        var data = frame.Slice(DataOffset, dataSize);
        if (type != RecordType.Crc)
            Crc = Crc32C.Append(Crc, data);
        int headerSize = WalRecord.HeaderSize(type, Crc, dataSize);
        int recordStart = FrameSize.LengthFieldBytes;
        data.CopyTo(frame[(recordStart + headerSize)..]); // overlapping move, left
        WalRecord.WriteHeader(frame[recordStart..], type, Crc, dataSize);
        int recordBytes = headerSize + dataSize;
        int padding = FrameSize.PaddingFor(recordBytes);
        frame.Slice(recordStart + recordBytes, padding).Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(frame, FrameSize.Encode(recordBytes));
        int total = FrameSize.LengthFieldBytes + recordBytes + padding;
        buffer.Advance(total);
        return total;
    }
}
