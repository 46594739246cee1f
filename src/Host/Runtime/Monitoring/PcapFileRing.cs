// A mirroring session's file destination: drains the session's capture ring into pcapng files that
// rotate as tcpdump's -C/-W do. NAME.pcapng is written as NAME-00001.pcapng, NAME-00002.pcapng, ...;
// a file is closed once it holds the configured size and the next one started (each a whole pcapng
// file: section header, one interface per bridge port), and once there are more files than the
// configured count the oldest is deleted. Frames are stamped with wall-clock time worked out from the
// engine's timestamp. Threading: one drainer (the monitor service's loop); Dispose after the last Drain.
using System.Globalization;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Host.Capture;

namespace Hairpin.Host.Runtime.Monitoring;

internal sealed class PcapFileRing : IDisposable
{
    private readonly string _directory;
    private readonly string _stem;
    private readonly string _extension;
    private readonly long _fileSize;
    private readonly int _fileCount;
    private readonly int _snapLength;
    private readonly IReadOnlyList<string> _portNames;
    private readonly TimeProvider _time;
    private readonly CapturedFrame _frame;
    private readonly Queue<string> _files = new();
    private FileStream? _stream;
    private PcapNgWriter? _writer;
    private int _sequence;

    public PcapFileRing(CaptureSession ring, string path, long fileSize, int fileCount, int snapLength, IReadOnlyList<string> portNames, TimeProvider time)
    {
        Ring = ring;
        string full = Path.GetFullPath(path);
        _directory = Path.GetDirectoryName(full) ?? "/";
        _stem = Path.GetFileNameWithoutExtension(full);
        _extension = Path.GetExtension(full) is { Length: > 0 } extension ? extension : ".pcapng";
        _fileSize = fileSize;
        _fileCount = fileCount;
        _snapLength = snapLength;
        _portNames = portNames;
        _time = time;
        _frame = new CapturedFrame(ring.SnapLength);
    }

    /// <summary>The ring the engine writes the session's copies into.</summary>
    public CaptureSession Ring { get; }

    /// <summary>The files kept, oldest first (the last one is being written).</summary>
    public IReadOnlyList<string> Files => [.. _files];

    /// <summary>Frames written to files so far.</summary>
    public long Written { get; private set; }

    /// <summary>Writes what the engine has put in the ring since the last call; returns how many frames.</summary>
    /// <exception cref="IOException">The file could not be written (the frames stay counted as mirrored).</exception>
    public int Drain()
    {
        int count = 0;
        long nowTimestamp = _time.GetTimestamp();
        long nowUnixNanoseconds = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        double nanosecondsPerTick = 1e9 / _time.TimestampFrequency;
        while (Ring.TryRead(_frame))
        {
            PcapNgWriter writer = CurrentWriter();
            long unixNanoseconds = nowUnixNanoseconds - (long)((nowTimestamp - _frame.Timestamp) * nanosecondsPerTick);
            writer.WriteFrame(_frame.Port, unixNanoseconds, _frame.Bytes, _frame.Outbound ? CaptureDirection.Outbound : CaptureDirection.Inbound);
            Written++;
            count++;
            if (_stream!.Position >= _fileSize)
            {
                CloseCurrent();
            }
        }
        if (count > 0)
        {
            _writer?.Flush();
        }
        return count;
    }

    private PcapNgWriter CurrentWriter()
    {
        if (_writer is not null)
        {
            return _writer;
        }
        Directory.CreateDirectory(_directory);
        string path = Path.Combine(_directory, $"{_stem}-{++_sequence:D5}{_extension}");
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        _files.Enqueue(path);
        while (_files.Count > _fileCount)
        {
            File.Delete(_files.Dequeue());
        }
        _writer = new PcapNgWriter(_stream, _snapLength, flushEveryBlock: false);
        foreach (string port in _portNames)
        {
            _writer.AddInterface(port);   // interface id = port index, as the ring records it
        }
        return _writer;
    }

    private void CloseCurrent()
    {
        _writer?.Flush();
        _stream?.Dispose();
        _stream = null;
        _writer = null;
    }

    public void Dispose() => CloseCurrent();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_directory}/{_stem}-NNNNN{_extension}");
}
