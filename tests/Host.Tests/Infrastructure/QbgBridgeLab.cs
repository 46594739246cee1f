// The appliance's 802.1Qbg bridge role in-process, as BridgeCommand wires it (runtime, control,
// management socket, a config file to reload), on a manual clock, with ports held in memory and an
// EvbTestStation on `hv1`. Protocol minutes take milliseconds: the test moves the clock and the lab
// waits for the forwarding thread to have handled what each step brought. Ports: hv1 (`evb: bridge`),
// hv2 (no evb), up (access VLAN 10, where the VM's traffic goes); VSI type 42 v1 is VLAN 10 with ACL
// web-tier, which denies DeniedAddress.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Time;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Management;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class QbgBridgeLab : IAsyncDisposable
{
    public const string DefaultType = "  - { id: 42, version: 1, vlan: 10, acl: web-tier }\n";
    public const string DefaultEvb = "    evb: bridge\n";
    public static readonly MacAddress VmMac = MacAddress.Parse("52:54:00:8e:aa:11");
    public static readonly MacAddress HostMac = MacAddress.Parse("02:00:00:00:10:02");
    public static readonly VsiId VmId = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53aa");
    public const uint VmAddress = 0xA9FE0A01;       // 169.254.10.1
    public const uint HostAddress = 0xA9FE0A02;     // 169.254.10.2
    public const uint DeniedAddress = 0xA9FE0A03;   // 169.254.10.3, denied by web-tier
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, InMemoryTransport> _peers = new(StringComparer.Ordinal);
    private readonly long _start;
    private ManagementServer _server = null!;
    private PortQueues _up = null!;

    private QbgBridgeLab(string directory)
    {
        Directory = directory;
        File = Path.Combine(directory, "bridge.yaml");
        Socket = Path.Combine(directory, "bridge.sock");
        _start = Clock.GetTimestamp();
    }

    public string Directory { get; }
    public string File { get; }
    public string Socket { get; }
    public ManualTimeProvider Clock { get; } = new();
    public CapturingLogger Log { get; } = new();
    public BridgeRuntime Runtime { get; private set; } = null!;
    public BridgeControl Control { get; private set; } = null!;
    public EvbTestStation Station { get; private set; } = null!;

    /// <summary>The protocol clock: the bridge's control plane and the station read the same.</summary>
    public TimeSpan Now => Clock.GetElapsedTime(_start);

    /// <param name="types">The `vsi_types:` entries.</param>
    /// <param name="evb">hv1's lines after its attach (its `evb:`, and its `hairpin:` or `vlan:` if any).</param>
    /// <param name="store">The VSI store the bridge opens and restores from before it forwards; none by default.</param>
    public static async Task<QbgBridgeLab> StartAsync(string types = DefaultType, string evb = DefaultEvb, Func<QbgBridgeLab, IVsiStore>? store = null)
    {
        var lab = new QbgBridgeLab(ManagementFixture.NewDirectory());
        try
        {
            lab.WriteFile(types, evb);
            HostConfig config = HostConfigLoader.Load(lab.File);
            lab.Runtime = BridgeRuntime.Create(config, lab.Log.Factory, attach =>
            {
                var peer = new InMemoryTransport(attach);
                lab._peers[config.Attachments.Single(a => a.Attach == attach).Port] = peer;
                return peer;
            }, lab.Clock, store?.Invoke(lab));
            await lab.Runtime.RestoreFromStoreAsync(CancellationToken.None);
            lab.Runtime.StartForwarding();
            lab.Control = new BridgeControl(lab.Runtime, HostConfigLoader.Load, (_, _, _) => throw new NotSupportedException("no trace here"),
                PortSave.Prepare, log: lab.Log.Factory.CreateLogger("hairpin.config"));
            lab._server = ManagementServer.Start(lab.Control, config.Management);
            PortQueues hv1 = await lab._peers["hv1"].Attached.WaitAsync(Patience);
            lab._up = await lab._peers["up"].Attached.WaitAsync(Patience);
            await lab._peers["hv2"].Attached.WaitAsync(Patience);
            lab.Station = new EvbTestStation(hv1, () => lab.Now);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    public void WriteFile(string types = DefaultType, string evb = DefaultEvb) =>
        System.IO.File.WriteAllText(File,
            $"ports:\n  - name: hv1\n    attach: {{ stream: {{ listen: {Directory}/hv1.sock }} }}\n{evb}"
            + $"  - name: hv2\n    attach: {{ stream: {{ listen: {Directory}/hv2.sock }} }}\n"
            + $"  - name: up\n    attach: {{ stream: {{ listen: {Directory}/up.sock }} }}\n    vlan: 10\n"
            + "loop_detection: false\n"
            + "acls:\n"
            + "  - name: web-tier\n    default: permit\n    rules:\n      - { name: no-admin-host, action: deny, dst_ip: 169.254.10.3/32 }\n"
            + "  - name: open\n    rules:\n      - { name: any, action: permit }\n"
            + (types.Length == 0 ? "" : $"vsi_types:\n{types}")
            + $"management:\n  socket: {Socket}\n");

    public (int Exit, string Output, string Error) Cli(params string[] args) => ManagementFixture.RunCli(["--socket", Socket, .. args]);

    /// <summary>
    /// Lets the forwarding thread take its turns, then pumps the station, until two rounds in a row move
    /// nothing: every frame either side sent has been handled and answered. The bridge goes first, so at
    /// each instant the station hears what the bridge's timers sent before its own are run: the same
    /// order every run, whatever the threads do.
    /// </summary>
    public async Task SettleAsync()
    {
        int quiet = 0;
        for (int round = 0; quiet < 2; round++)
        {
            Assert.True(round < 1_000, "the station and the bridge never fell quiet");
            // A frame put in before the first turn is gathered in that loop pass, and the pass's timers
            // run after its management work: what either sends is out once the second turn is over.
            await BridgeTurnAsync();
            await BridgeTurnAsync();
            quiet = Station.Pump() == 0 ? quiet + 1 : 0;
        }
    }

    /// <summary>Moves the clock by <paramref name="by"/>, a step at a time, settling after each.</summary>
    public async Task AdvanceAsync(TimeSpan by, TimeSpan? step = null)
    {
        TimeSpan each = step ?? TimeSpan.FromSeconds(1);
        for (TimeSpan left = by; left > TimeSpan.Zero; left -= each)
        {
            Clock.Advance(left < each ? left : each);
            await SettleAsync();
        }
    }

    /// <summary>LLDP both ways until the bridge granted reflective relay and the station heard it.</summary>
    public async Task ConnectAsync()
    {
        await SettleAsync();
        for (int second = 0; !(await BridgeRelayAsync() && Station.Link.Lldp.ReflectiveRelay); second++)
        {
            Assert.True(second < 10, "the EVB negotiation did not grant reflective relay within 10 s");
            await AdvanceAsync(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Connects, then associates the VM (VSI type 42 v1, VID 0: the bridge assigns it) and waits for the answer.</summary>
    public async Task<StationVsi> AssociateVmAsync()
    {
        await ConnectAsync();
        Station.Vdp.Associate(new VsiRequestSpec(VdpManagerId.FromText("mgr1"), 42, 1, VmId, VmMac));
        await SettleAsync();
        StationVsi vsi = Station.Vsi(VmId);
        Assert.Equal((StationVsiState.Associated, 10), (vsi.State, vsi.Vid));
        return vsi;
    }

    public Task<bool> BridgeRelayAsync() => Runtime.OnForwardingThread(_ => Runtime.Qbg.Port(0)!.ReflectiveRelay).WaitAsync(Patience);

    /// <summary>hv1 as the engine forwards it now (the file's settings with 802.1Qbg's overlay).</summary>
    public PortConfig Hv1 => Runtime.Engine.Config.Ports[0];

    /// <summary>A UDP frame from the VM, tagged with its VLAN, to the host behind `up`.</summary>
    public static byte[] VmFrame(uint destination) =>
        new FrameBuilder().From(VmMac).To(HostMac).Tag(10).Ipv4Udp(VmAddress, destination, 4000, 5000).Build();

    /// <summary>A UDP frame from the host behind `up` (untagged: an access port of VLAN 10) to the VM.</summary>
    public static byte[] HostFrame() =>
        new FrameBuilder().From(HostMac).To(VmMac).Ipv4Udp(HostAddress, VmAddress, 5000, 4000).Build();

    /// <summary>A frame from the host behind `up`, into the bridge.</summary>
    public void SendFromUp(byte[] frame) => _up.Receive(frame);

    /// <summary>Frames the bridge sent out of `up` so far (after a settle: none are on their way).</summary>
    public async Task<List<byte[]>> SentUpAsync() => await _peers["up"].TakeSentAsync(0, TimeSpan.Zero);

    private Task<bool> BridgeTurnAsync() => Runtime.OnForwardingThread(_ => true).WaitAsync(Patience);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (Runtime is not null)
        {
            await Runtime.DisposeAsync();
            if (Runtime.VsiStore is IVsiStore store)
            {
                await store.DisposeAsync();   // after the runtime, which publishes its last counts into it
            }
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
