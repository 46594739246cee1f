// The IPFIX exporter (specs/flow-export.md): its own thread takes finished flows from the engine's
// flow monitor (a bounded ring the forwarding thread fills between and during batches), encodes
// them into IPFIX messages and sends each message to every collector over UDP, with the templates
// at start and every template interval. The forwarding thread never waits for it: a slow exporter
// or collector loses records in the ring (counted there), a collector that refuses a message is
// counted here. Stopping sends what the monitor ended last (the forced end) before the thread ends.
using System.Net;
using System.Net.Sockets;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Host.Configuration;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Flows;

public sealed partial class FlowExporter : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly FlowExportConfig _config;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly IpfixMessageWriter _writer;
    private readonly ManualResetEventSlim _stop = new();
    private readonly List<Collector> _collectors = [];
    private Thread? _thread;
    private uint _sequence;
    private long _nextTemplates;
    private long _messages;
    private long _sentRecords;
    private long _failedSends;

    public FlowExporter(FlowExportConfig config, TimeProvider time, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _time = time;
        _log = log;
        Monitor = new FlowMonitor(config.MonitorOptions, time.TimestampFrequency);
        _writer = new IpfixMessageWriter(FlowTimeline.Now(time));
    }

    /// <summary>The engine's side: hand it to BridgeEngine.SetFlowMonitor; expire it from the forwarding thread.</summary>
    public FlowMonitor Monitor { get; }

    /// <summary>IPFIX messages sent (each to every collector that took it).</summary>
    public long Messages => Volatile.Read(ref _messages);

    /// <summary>Flow records encoded and sent in a message.</summary>
    public long SentRecords => Volatile.Read(ref _sentRecords);

    /// <summary>Messages a collector's socket refused (unreachable, no route, buffer full): their records did not reach that collector.</summary>
    public long FailedSends => Volatile.Read(ref _failedSends);

    /// <summary>Resolves the collectors (a name that does not resolve is logged and left out) and starts the exporter's thread.</summary>
    public void Start()
    {
        foreach (string collector in _config.Collectors)
        {
            if (Resolve(collector) is IPEndPoint endpoint)
            {
                // Connected, so the ICMP error of an unreachable collector comes back on a later send and is counted.
                var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                socket.Connect(endpoint);
                _collectors.Add(new Collector(collector, endpoint, socket));
            }
        }
        string description = _config.Describe();
        LogStarted(description);
        _thread = new Thread(Run) { Name = "hairpin-ipfix", IsBackground = true };
        _thread.Start();
    }

    /// <summary>
    /// Ends the thread once it has sent what is in the ring; call after the forwarding thread flushed
    /// the monitor (EngineStage.Stopped), so the flows still open at stop reach the collectors.
    /// </summary>
    public void Stop()
    {
        _stop.Set();
        _thread?.Join();
        _thread = null;
    }

    public void Dispose()
    {
        Stop();
        foreach (Collector collector in _collectors)
        {
            collector.Socket.Dispose();
        }
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsSet)
        {
            ExportOnce();
            _stop.Wait(PollInterval);
        }
        ExportOnce();
    }

    /// <summary>Templates when due, then every record waiting, in as few messages as they fit.</summary>
    private void ExportOnce()
    {
        long now = _time.GetTimestamp();
        if (now >= _nextTemplates)
        {
            _nextTemplates = now + (long)(_config.TemplateInterval.TotalSeconds * _time.TimestampFrequency);
            Begin();
            _writer.AddTemplates();
            Send();
        }
        FlowRecordRing records = Monitor.Records;
        Begin();
        while (records.TryRead(out FlowRecord record))
        {
            if (!_writer.TryAdd(in record))
            {
                Send();
                Begin();
                _writer.TryAdd(in record);
            }
        }
        if (_writer.Records > 0)
        {
            Send();
        }
    }

    private void Begin() => _writer.Begin((uint)_time.GetUtcNow().ToUnixTimeSeconds(), _sequence, _config.ObservationDomain);

    private void Send()
    {
        ReadOnlySpan<byte> message = _writer.Finish();
        foreach (Collector collector in _collectors)
        {
            try
            {
                collector.Socket.Send(message, SocketFlags.None);
            }
            catch (SocketException error)
            {
                // An unreachable collector answers with ICMP, which a later send reports: counted, logged once per change.
                Interlocked.Increment(ref _failedSends);
                if (collector.LastError != error.SocketErrorCode)
                {
                    collector.LastError = error.SocketErrorCode;
                    LogSendFailed(collector.Name, error.SocketErrorCode.ToString());
                }
                continue;
            }
            collector.LastError = SocketError.Success;
        }
        _sequence += (uint)_writer.Records;   // RFC 7011: data records sent before the next message, mod 2^32
        Interlocked.Add(ref _sentRecords, _writer.Records);
        Interlocked.Increment(ref _messages);
    }

    private IPEndPoint? Resolve(string collector)
    {
        if (IPEndPoint.TryParse(collector, out IPEndPoint? endpoint))
        {
            return endpoint;
        }
        int colon = collector.LastIndexOf(':');
        string host = collector[..colon];
        int port = int.Parse(collector.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            IPAddress[] addresses = Dns.GetHostAddresses(host);
            if (addresses.Length > 0)
            {
                return new IPEndPoint(addresses[0], port);
            }
        }
        catch (SocketException)
        {
        }
        LogUnresolved(collector);
        return null;
    }

    private sealed class Collector(string name, IPEndPoint endpoint, Socket socket)
    {
        public string Name { get; } = name;
        public IPEndPoint Endpoint { get; } = endpoint;
        public Socket Socket { get; } = socket;
        public SocketError LastError { get; set; } = SocketError.Success;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "flow export: {Description}")]
    private partial void LogStarted(string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "flow export: collector {Collector} refused a message ({Error}); its records are lost until it takes them again (counted in stats)")]
    private partial void LogSendFailed(string collector, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "flow export: collector {Collector} does not resolve; no records go there until the bridge restarts")]
    private partial void LogUnresolved(string collector);
}
