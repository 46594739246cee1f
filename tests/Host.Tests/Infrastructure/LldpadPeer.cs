// lldpad (open-lldp, the 802.1Qbg implementation libvirt drives) as a real peer inside a namespace:
// a station or a bridge on one interface, configured from a file of its own, with its own /dev/shm
// (a tmpfs, so several instances never share state) and no pid file; vdptool and lldptool talk to it
// through its per-namespace control socket. Killed by its own PID on dispose.
using System.Diagnostics;
using System.Text;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class LldpadPeer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ScratchDirectory _directory;
    private readonly StringBuilder _log = new();

    private LldpadPeer(Process process, ScratchDirectory directory, string ns, string interfaceName)
    {
        _process = process;
        _directory = directory;
        Namespace = ns;
        Interface = interfaceName;
    }

    public string Namespace { get; }
    public string Interface { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>
    /// lldpad as an EVB station on <paramref name="interfaceName"/>, asking for reflective relay;
    /// <paramref name="keepAliveExponent"/> sets its RKA (lldpad's default 20 is a 10.5 s keep-alive).
    /// </summary>
    public static Task<LldpadPeer> StartStationAsync(string ns, string interfaceName, int keepAliveExponent = 20) =>
        StartAsync(ns, interfaceName, $"evbmode = \"station\"; evbrrreq = true; vdprka = {keepAliveExponent};");

    /// <summary>lldpad as an EVB bridge on <paramref name="interfaceName"/>, offering reflective relay.</summary>
    public static Task<LldpadPeer> StartBridgeAsync(string ns, string interfaceName) =>
        StartAsync(ns, interfaceName, "evbmode = \"bridge\"; evbrrcap = true;");

    // lldpad writes its debug log with printf: stdbuf makes it line-buffered into our pipe, so the log
    // is current while lldpad runs (the wait below reads it, and so do failure messages).
    private static async Task<LldpadPeer> StartAsync(string ns, string interfaceName, string evbSettings)
    {
        var directory = ScratchDirectory.Create();
        string config = directory.File("lldpad.conf");
        await File.WriteAllTextAsync(config,
            $"nearest_customer_bridge : {{ {interfaceName} : {{ adminStatus = 3;\n  tlvid0080c20d : {{ enableTx = true; {evbSettings} }}; }}; }};\n");
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string word in (string[])["netns", "exec", ns, "sh", "-c", $"mount -t tmpfs -o size=1m shm /dev/shm && exec stdbuf -oL lldpad -p -V7 -f {config}"])
        {
            start.ArgumentList.Add(word);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start lldpad");
        var peer = new LldpadPeer(process, directory, ns, interfaceName);
        process.OutputDataReceived += (_, line) => peer.Append(line.Data);
        process.ErrorDataReceived += (_, line) => peer.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            async Task WaitForAsync(Func<Task<bool>> ready, string failure)
            {
                while (!await ready())
                {
                    if (process.HasExited || DateTime.UtcNow > deadline)
                    {
                        throw new InvalidOperationException($"lldpad {failure} in {ns}:\n{peer.Log}");
                    }
                    await Task.Delay(50);
                }
            }
            // lldpad answers lldptool once its control socket is up.
            await WaitForAsync(async () => (await NetLab.InAsync(ns, ["lldptool", "-t", "-i", interfaceName, "-g", "ncb", "-V", "evb", "-c", "enableTx"], check: false)).ExitCode == 0,
                "did not come up");
            // lldpad creates its ECP and VDP modules on its first timer tick, a second after start, and
            // hands them their timers (RTE, RKA, retries) only when it builds or reads an EVB TLV. Its
            // first LLDPDU, and any peer LLDPDU read before it, come before the modules exist, so until
            // the next one they run with every exponent 0 (a 10 us ECP ack wait, a 30 us keep-alive): a
            // peer that hears that first LLDPDU and speaks VDP at once is de-associated within
            // milliseconds. Peers are started after the modules exist; every LLDPDU lldpad sends or
            // reads from then on gives the modules their timers before the peer can act on it.
            await WaitForAsync(() => Task.FromResult(peer.Log.Contains($"vdp22_start:{interfaceName} start vdp", StringComparison.Ordinal)),
                $"did not start VDP on {interfaceName}");
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
        return peer;
    }

    /// <summary>`lldptool -T -i IF -g ncb -V evb -c SETTING` (e.g. evbrrreq=no): lldpad sends a fast LLDP with the change.</summary>
    public async Task SetEvbAsync(string setting) =>
        await NetLab.InAsync(Namespace, ["lldptool", "-T", "-i", Interface, "-g", "ncb", "-V", "evb", "-c", setting], check: false);

    /// <summary>`lldptool -L -i IF -g ncb adminStatus=...`: disabled sends LLDP's shutdown PDU (TTL 0).</summary>
    public async Task SetAdminStatusAsync(string status) =>
        await NetLab.InAsync(Namespace, ["lldptool", "-L", "-i", Interface, "-g", "ncb", $"adminStatus={status}"], check: false);

    /// <summary>Stops lldpad as its init script would (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], check: false);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>The neighbour's EVB TLV as lldptool prints it (e.g. `bridge:rrcap,rrctr(0x3)`), or the error.</summary>
    public async Task<string> NeighbourEvbAsync() =>
        (await NetLab.InAsync(Namespace, ["lldptool", "-t", "-n", "-i", Interface, "-g", "ncb", "-V", "evb"], check: false)).Output;

    /// <summary>
    /// `vdptool -T -W` for one VSI (mode assoc, preassoc, preassoc-rr or deassoc): the block lldpad
    /// printed for this VSI's UUID (or vdptool's error), and whether the bridge accepted it. vdptool
    /// exits 0 on refusal too: the printed block says.
    /// </summary>
    public async Task<VdpAnswer> RequestAsync(string mode, int typeId, int typeVersion, string uuid, string filter, string manager = "mgr1", string hints = "none")
    {
        ProcessRunner.Result result = await NetLab.InAsync(Namespace,
            ["vdptool", "-i", Interface, "-T", "-W", "-V", "assoc", "-c", $"mode={mode}", "-c", $"mgrid2={manager}",
             "-c", $"typeid={typeId}", "-c", $"typeidver={typeVersion}", "-c", $"uuid={uuid}", "-c", $"hints={hints}", "-c", $"filter={filter}"],
            check: false, timeout: TimeSpan.FromSeconds(30));
        string output = result.Output + result.Error;
        return new VdpAnswer(output);
    }

    /// <summary>The VSI as lldpad lists it (`vdptool -t`): empty once it is gone.</summary>
    public async Task<string> ListAsync(string uuid) =>
        (await NetLab.InAsync(Namespace, ["vdptool", "-i", Interface, "-t", "-V", "assoc", "-c", $"uuid={uuid}"], check: false)).Output;

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        _directory.Dispose();
    }
}

/// <summary>What vdptool printed for a request.</summary>
public sealed record VdpAnswer(string Output)
{
    /// <summary>A De-Associate lldpad reported as answered without error.</summary>
    public bool Deassociated => Output.Contains("Response from VDP", StringComparison.Ordinal)
        && Output.Contains("mode = deassoc", StringComparison.Ordinal)
        && !Output.Contains("Error returned by Bridge", StringComparison.Ordinal);

    /// <summary>lldpad reported the bridge's acceptance: a `Response from VDP` block in mode assoc/preassoc without an error line.</summary>
    public bool Accepted => Output.Contains("Response from VDP", StringComparison.Ordinal)
        && !Output.Contains("Error returned by Bridge", StringComparison.Ordinal)
        && !Output.Contains("mode = deassoc", StringComparison.Ordinal);

    public bool Refused => Output.Contains("Error returned by Bridge", StringComparison.Ordinal);

    /// <summary>The `filter = VID-MAC` line lldpad printed (the VID the bridge filled in), or null.</summary>
    public string? Filter => Output.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith("filter = ", StringComparison.Ordinal))?["filter = ".Length..];
}
