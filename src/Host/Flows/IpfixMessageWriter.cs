// Encodes IPFIX messages (RFC 7011): the 16-byte message header, the template set, and data sets of
// flow records, into one reused buffer no larger than a UDP datagram that needs no fragmentation on
// an Ethernet path. Pure: the export time, sequence number and observation domain are given, and the
// flow times arrive in the engine's ticks with the mapping to wall-clock milliseconds.
using System.Buffers.Binary;
using System.Text;
using Hairpin.Bridge.Core.Flows;

namespace Hairpin.Host.Flows;

internal sealed class IpfixMessageWriter
{
    /// <summary>Bytes a message may take: a 1500-byte MTU less IPv6 and UDP headers, with room to spare.</summary>
    public const int MaxMessageSize = 1400;
    public const ushort Version = 10;
    private const int MessageHeaderSize = 16;
    private const int SetHeaderSize = 4;
    private const ushort TemplateSetId = 2;
    private const int MaxVsiNameBytes = 254;   // one length byte (RFC 7011 section 7)

    private readonly byte[] _buffer = new byte[MaxMessageSize];
    private readonly FlowTimeline _timeline;
    private int _length;
    private int _setStart = -1;
    private ushort _setId;

    public IpfixMessageWriter(FlowTimeline timeline) => _timeline = timeline;

    /// <summary>Data records in the message being written.</summary>
    public int Records { get; private set; }

    /// <summary>True when the message holds nothing but its header.</summary>
    public bool IsEmpty => _length <= MessageHeaderSize;

    /// <summary>Starts a message: <paramref name="sequence"/> counts the data records sent before it in this session (mod 2^32).</summary>
    public void Begin(uint exportSeconds, uint sequence, uint observationDomain)
    {
        Span<byte> header = _buffer.AsSpan(0, MessageHeaderSize);
        BinaryPrimitives.WriteUInt16BigEndian(header, Version);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], exportSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], observationDomain);
        _length = MessageHeaderSize;
        _setStart = -1;
        Records = 0;
    }

    /// <summary>Adds the template set (both templates); call first in a message.</summary>
    public void AddTemplates()
    {
        OpenSet(TemplateSetId);
        WriteTemplate(IpfixTemplates.Ipv4TemplateId, IpfixTemplates.Ipv4);
        WriteTemplate(IpfixTemplates.Ipv6TemplateId, IpfixTemplates.Ipv6);
        CloseSet();
    }

    /// <summary>Adds one flow as a data record; false when the message has no room left for it (finish it and begin another).</summary>
    public bool TryAdd(in FlowRecord record)
    {
        bool ipv6 = record.IpVersion == 6;
        ushort template = ipv6 ? IpfixTemplates.Ipv6TemplateId : IpfixTemplates.Ipv4TemplateId;
        int vsiBytes = record.Vsi is null ? 0 : Math.Min(Encoding.UTF8.GetByteCount(record.Vsi), MaxVsiNameBytes);
        int size = (ipv6 ? 107 : 83) + vsiBytes;
        int needed = size + (_setStart >= 0 && _setId == template ? 0 : SetHeaderSize);
        if (_length + needed > MaxMessageSize)
        {
            return false;
        }
        if (_setStart < 0 || _setId != template)
        {
            CloseSet();
            OpenSet(template);
        }
        Span<byte> at = _buffer.AsSpan(_length, size);
        BinaryPrimitives.WriteUInt64BigEndian(at, _timeline.UnixMilliseconds(record.FirstTimestamp));
        BinaryPrimitives.WriteUInt64BigEndian(at[8..], _timeline.UnixMilliseconds(record.LastTimestamp));
        BinaryPrimitives.WriteUInt64BigEndian(at[16..], (ulong)record.Packets);
        BinaryPrimitives.WriteUInt64BigEndian(at[24..], (ulong)record.Bytes);
        BinaryPrimitives.WriteUInt64BigEndian(at[32..], (ulong)record.Layer2Bytes);
        record.SourceMac.Write(at[40..]);
        record.DestinationMac.Write(at[46..]);
        BinaryPrimitives.WriteUInt16BigEndian(at[52..], record.EtherType);
        BinaryPrimitives.WriteUInt16BigEndian(at[54..], record.Vid);
        BinaryPrimitives.WriteUInt32BigEndian(at[56..], InterfaceOf(record.IngressPort));
        BinaryPrimitives.WriteUInt32BigEndian(at[60..], EgressInterfaceOf(record.EgressPorts));
        int next = 64;
        if (ipv6)
        {
            BinaryPrimitives.WriteUInt128BigEndian(at[next..], record.SourceIp);
            BinaryPrimitives.WriteUInt128BigEndian(at[(next + 16)..], record.DestinationIp);
            next += 32;
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(at[next..], (uint)record.SourceIp);
            BinaryPrimitives.WriteUInt32BigEndian(at[(next + 4)..], (uint)record.DestinationIp);
            next += 8;
        }
        at[next] = record.IpProtocol;
        BinaryPrimitives.WriteUInt16BigEndian(at[(next + 1)..], record.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(at[(next + 3)..], record.DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(at[(next + 5)..], record.TcpFlags);
        at[next + 7] = ForwardingStatus.Of(record);
        at[next + 8] = (byte)record.EndReason;
        at[next + 9] = record.Fate == Bridge.Core.Forwarding.DispositionKind.Dropped ? (byte)record.DropReason : (byte)0;
        at[next + 10] = (byte)vsiBytes;
        if (vsiBytes > 0)
        {
            WriteVsiName(record.Vsi!, at.Slice(next + 11, vsiBytes));
        }
        _length += size;
        Records++;
        return true;
    }

    /// <summary>The finished message: its length written into the header; valid until the next Begin.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        CloseSet();
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)_length);
        return _buffer.AsSpan(0, _length);
    }

    /// <summary>IPFIX interfaces are numbered from 1 (0 is "none"): port index + 1, in the order of the file's ports.</summary>
    public static uint InterfaceOf(int port) => (uint)(port + 1);

    /// <summary>The one port a flow left by; 0 when it went nowhere or was flooded to several.</summary>
    public static uint EgressInterfaceOf(ulong ports) =>
        ports != 0 && (ports & (ports - 1)) == 0 ? InterfaceOf(System.Numerics.BitOperations.TrailingZeroCount(ports)) : 0;

    // A name longer than one length byte allows is cut at a character boundary.
    private static void WriteVsiName(string name, Span<byte> into)
    {
        Encoder encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(name, into, flush: true, out _, out int used, out _);
        into[used..].Clear();
    }

    private void WriteTemplate(ushort id, IpfixField[] fields)
    {
        Span<byte> at = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteUInt16BigEndian(at, id);
        BinaryPrimitives.WriteUInt16BigEndian(at[2..], (ushort)fields.Length);
        int offset = 4;
        foreach (IpfixField field in fields)
        {
            bool enterprise = field.Enterprise != 0;
            BinaryPrimitives.WriteUInt16BigEndian(at[offset..], (ushort)(field.Element | (enterprise ? 0x8000 : 0)));
            BinaryPrimitives.WriteUInt16BigEndian(at[(offset + 2)..], field.Length);
            offset += 4;
            if (enterprise)
            {
                BinaryPrimitives.WriteUInt32BigEndian(at[offset..], field.Enterprise);
                offset += 4;
            }
        }
        _length += offset;
    }

    private void OpenSet(ushort id)
    {
        _setStart = _length;
        _setId = id;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), id);
        _length += SetHeaderSize;
    }

    private void CloseSet()
    {
        if (_setStart >= 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_setStart + 2), (ushort)(_length - _setStart));
            _setStart = -1;
        }
    }
}
