// Walks WAL segments record by record, verifying the CRC chain, and decides how the log ends.
// The rules for telling a crash's torn tail from damage:
//  - only the last segment can have a torn tail; any failure in an earlier one is damage;
//  - a tail is torn when the first bad frame runs past the end of the file, or fails to decode or to
//    match its checksum while containing an all-zero sector (a sector the crash never wrote), or when
//    the end-of-records marker (a zero length) is followed by stray bytes;
//  - but never when the frame's own record header contradicts its length word (the record's fields end
//    somewhere else: the length word is what was damaged), nor when a record header follows a zeroed
//    length word in the same sector (sectors land whole, so the length word was wiped afterwards);
//  - and in all these cases no non-zero byte may sit further than TornWindowBytes past the last good
//    record. The writer syncs at least every MaxUnsyncedBytes, so a crash can only leave unsynced
//    bytes that close; data beyond means records were lost in the middle, which is never truncated silently.
// A non-zero flipped byte in an acknowledged record matches no checksum and holds no zero sector: damage.
using System.Buffers.Binary;

namespace FastKv.Wal;

internal sealed class WalScanner
{
    public const int SectorBytes = 512;
    public const int MaxRecordBytes = 10 * 1024 * 1024;
    public const int MaxUnsyncedBytes = 4 * 1024 * 1024;
    public const long TornWindowBytes = MaxUnsyncedBytes + MaxRecordBytes + 2 * 1024 * 1024;

    public delegate void RecordHandler(RecordType type, ReadOnlySpan<byte> data, SegmentName segment, long offset);

    private readonly string _directory;
    private readonly IReadOnlyList<SegmentName> _segments;
    private readonly Func<SegmentName, Microsoft.Win32.SafeHandles.SafeFileHandle?>? _openHandles;

    /// <param name="openHandles">Handles already held for some segments (the writer's locked ones); others are opened read-only.</param>
    public WalScanner(string directory, IReadOnlyList<SegmentName> segments,
        Func<SegmentName, Microsoft.Win32.SafeHandles.SafeFileHandle?>? openHandles = null)
    {
        _directory = directory;
        _segments = segments;
        _openHandles = openHandles;
    }

    public ScanResult Scan(RecordHandler handler)
    {
        uint crc = 0;
        int records = 0;
        for (int s = 0; s < _segments.Count; s++)
        {
            var segment = _segments[s];
            string path = Path.Combine(_directory, segment.FileName);
            bool isLast = s == _segments.Count - 1;
            var held = _openHandles?.Invoke(segment);
            var handle = held ?? NativeIo.Open(path, write: false, create: false);
            try
            {
                var reader = new SegmentReader(handle);
                var outcome = ScanSegment(reader, segment, path, isLast, ref crc, ref records, handler);
                if (outcome is not null)
                    return outcome;
            }
            finally
            {
                if (held is null)
                    handle.Dispose();
            }
        }
        string lastFile = _segments.Count == 0 ? _directory : Path.Combine(_directory, _segments[^1].FileName);
        return new ScanResult(ScanEnd.Clean, lastFile, 0, null, 0, null, crc, records);
    }

    /// <summary>Returns null when the segment ended and the scan should continue with the next one.</summary>
    private static ScanResult? ScanSegment(SegmentReader reader, SegmentName segment, string path, bool isLast,
        ref uint crc, ref int records, RecordHandler handler)
    {
        long offset = 0;
        long length = reader.Length;
        while (true)
        {
            if (offset == length)
                return isLast ? Clean(path, offset, crc, records) : null;
            if (length - offset < FrameSize.LengthFieldBytes)
                return Suspect(reader, path, isLast, offset, crc, records, "partial length word at end of file", couldBeTorn: true);

            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(reader.Read(offset, 8));
            if (word == 0)
            {
                // End of records; what follows must be the zeroed (preallocated) rest of the file.
                long stray = reader.FindNonZero(offset, length);
                if (stray < 0)
                    return isLast ? Clean(path, offset, crc, records) : null;
                var next = reader.Read(offset + 8, (int)Math.Min(32, length - offset - 8));
                // A sector is written whole or not at all, so a zero length word next to a record header in
                // the same sector was wiped after the fact. Only when the header starts the next sector can
                // a crash explain it (the length word's sector never landed).
                if (TryReadRecordHeader(next, out _) && (offset + 8) % SectorBytes != 0)
                    return Suspect(reader, path, isLast, offset, crc, records,
                        "zero length word in front of a record in the same sector: the length word was wiped", couldBeTorn: false);
                return Suspect(reader, path, isLast, offset, crc, records,
                    $"non-zero bytes at offset {stray} after the end-of-records marker", couldBeTorn: true);
            }
            if (!FrameSize.TryDecode(word, out long recordBytes, out int padding))
                return Suspect(reader, path, isLast, offset, crc, records, $"invalid length word 0x{word:x16}", couldBeTorn: false);
            if (recordBytes > MaxRecordBytes)
                return Suspect(reader, path, isLast, offset, crc, records,
                    $"record length {recordBytes} exceeds the {MaxRecordBytes}-byte limit", couldBeTorn: false);
            long frameBytes = recordBytes + padding;
            if (frameBytes > length - offset - 8)
            {
                var partial = reader.Read(offset + 8, (int)Math.Min(32, length - offset - 8)); // enough for the header
                return Suspect(reader, path, isLast, offset, crc, records,
                    $"record of {recordBytes} bytes runs past the end of the file", couldBeTorn: !HeaderContradicts(partial, recordBytes));
            }

            var frame = reader.Read(offset + 8, (int)frameBytes);
            var recordSpan = frame[..(int)recordBytes];
            string? failure = null;
            RecordType type = 0;
            ReadOnlySpan<byte> data = default;
            try
            {
                WalRecord.Decode(recordSpan, out type, out uint recordCrc, out data);
                if (type == RecordType.Crc)
                {
                    // Opens a segment: carries the chain's value at the end of the previous one.
                    if (crc != 0 && recordCrc != crc)
                        failure = $"crc record holds 0x{recordCrc:x8} but the chain is at 0x{crc:x8}";
                    else
                        crc = recordCrc;
                }
                else
                {
                    uint next = Crc32C.Append(crc, data);
                    if (next != recordCrc)
                        failure = $"checksum mismatch: record says 0x{recordCrc:x8}, data gives 0x{next:x8}";
                    else
                        crc = next;
                }
                if (failure is null && (type < RecordType.Metadata || type > RecordType.Snapshot))
                    failure = $"unknown record type {(long)type}";
            }
            catch (InvalidDataException e)
            {
                failure = $"undecodable record: {e.Message}";
            }
            if (failure is not null)
            {
                bool torn = HasZeroSector(frame, offset + 8) && !HeaderContradicts(frame, recordBytes);
                return Suspect(reader, path, isLast, offset, crc, records, failure, couldBeTorn: torn);
            }

            handler(type, data, segment, offset);
            records++;
            offset += 8 + frameBytes;
        }
    }

    private static ScanResult Clean(string path, long offset, uint crc, int records) =>
        new(ScanEnd.Clean, path, offset, null, 0, null, crc, records);

    private static ScanResult Suspect(SegmentReader reader, string path, bool isLast, long offset, uint crc, int records,
        string problem, bool couldBeTorn)
    {
        if (isLast && couldBeTorn)
        {
            long beyond = reader.FindNonZero(offset + TornWindowBytes, reader.Length);
            if (beyond < 0)
                return new ScanResult(ScanEnd.TornTail, path, offset, path, offset, problem, crc, records);
            problem += $"; more data follows at offset {beyond}, so this is not a torn tail";
        }
        return new ScanResult(ScanEnd.Damaged, path, offset, path, offset, problem, crc, records);
    }

    /// <summary>True when the frame starts with a readable record header whose fields end at a length other than the length word's.</summary>
    private static bool HeaderContradicts(ReadOnlySpan<byte> frame, long recordBytes) =>
        TryReadRecordHeader(frame, out long natural) && natural != recordBytes;

    /// <summary>
    /// Reads the leading fields of a record as this format writes them (type 1..5, crc, then the data length
    /// prefix if any) and the record length they imply. False when the bytes do not start such a header
    /// (for instance zeros, where a crash never wrote them).
    /// </summary>
    internal static bool TryReadRecordHeader(ReadOnlySpan<byte> bytes, out long recordBytes)
    {
        recordBytes = 0;
        try
        {
            int p = 0;
            if (bytes.Length < 4 || bytes[p++] != 0x08)
                return false;
            ulong type = ProtoWire.ReadVarint(bytes, ref p);
            if (type is < 1 or > 5 || p >= bytes.Length || bytes[p++] != 0x10)
                return false;
            ProtoWire.ReadVarint(bytes, ref p);
            if (p < bytes.Length && bytes[p] == 0x1A)
            {
                p++;
                ulong dataLength = ProtoWire.ReadVarint(bytes, ref p);
                recordBytes = p + (long)Math.Min(dataLength, int.MaxValue);
            }
            else
            {
                recordBytes = p;
            }
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Whether any sector-aligned piece of the frame is entirely zero: the sign of a write the crash cut short.</summary>
    private static bool HasZeroSector(ReadOnlySpan<byte> frame, long fileOffset)
    {
        int at = 0;
        while (at < frame.Length)
        {
            int toBoundary = SectorBytes - (int)((fileOffset + at) % SectorBytes);
            int count = Math.Min(toBoundary, frame.Length - at);
            if (frame.Slice(at, count).IndexOfAnyExcept((byte)0) < 0)
                return true;
            at += count;
        }
        return false;
    }
}
