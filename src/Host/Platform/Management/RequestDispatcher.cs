// Turns one request line into one IBridgeControl call and its answer into one response. Every failure
// becomes a response: nothing a client sends can throw out of here (the server stays up).
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Management;

internal sealed partial class RequestDispatcher(IBridgeControl control, ILogger logger)
{
    public async Task<ManagementResponse> DispatchAsync(string line, CancellationToken cancellationToken)
    {
        ManagementRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<ManagementRequest>(line, ManagementJson.Wire);
        }
        catch (JsonException e)
        {
            return Malformed($"not a request: {e.Message}");
        }
        if (request is null)
        {
            return Malformed("not a request: null");
        }
        if (request.Version != ManagementRequest.CurrentVersion)
        {
            return Malformed($"protocol version {request.Version} is not supported (this server speaks {ManagementRequest.CurrentVersion})");
        }
        try
        {
            return await ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Malformed($"bad arguments for '{request.Command}': {e.Message}");
        }
        catch (ManagementException e)
        {
            return ManagementResponse.Failure(ManagementErrorKind.Operation, e.Message, e.Details);
        }
        catch (UnsupportedCommand)
        {
            return ManagementResponse.Failure(ManagementErrorKind.Unsupported, $"'{request.Command}' is not supported by this server");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ManagementResponse.Failure(ManagementErrorKind.Internal, "the server is shutting down");
        }
#pragma warning disable CA1031 // One bad request must not take the management socket down: report it, log it, carry on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogInternalError(logger, e, request.Command);
            return ManagementResponse.Failure(ManagementErrorKind.Internal, $"internal error in '{request.Command}': {e.Message}");
        }
    }

    private async Task<ManagementResponse> ExecuteAsync(ManagementRequest request, CancellationToken token)
    {
        switch (request.Command)
        {
            case ManagementCommands.LinkShow:
            {
                PortSelector selector = Args<PortSelector>(request, new PortSelector());
                IReadOnlyList<PortInfo> ports = await control.ListPortsAsync(token).ConfigureAwait(false);
                return ManagementResponse.Success(Select(ports, selector.Port, port => port.Name));
            }
            case ManagementCommands.LinkSet:
            {
                LinkSetArgs args = Args<LinkSetArgs>(request, null);
                if (args.Changes.IsEmpty)
                {
                    return Malformed("link.set without any change");
                }
                return ManagementResponse.Success(await Capability<IPortFlagControl>().SetPortFlagsAsync(args.Port, args.Changes, args.Save, token).ConfigureAwait(false));
            }
            case ManagementCommands.FdbShow:
            {
                FdbFilter filter = Args<FdbFilter>(request, new FdbFilter());
                CheckVid(filter.Vid);
                return ManagementResponse.Success(await Capability<IFdbControl>().ShowFdbAsync(filter, token).ConfigureAwait(false));
            }
            case ManagementCommands.FdbAdd:
                await Capability<IFdbControl>().AddFdbAsync(Checked(Args<FdbEntryChange>(request, null)), token).ConfigureAwait(false);
                return ManagementResponse.Success(new Done());
            case ManagementCommands.FdbDel:
                await Capability<IFdbControl>().DeleteFdbAsync(Checked(Args<FdbEntryChange>(request, null)), token).ConfigureAwait(false);
                return ManagementResponse.Success(new Done());
            case ManagementCommands.Stats:
            {
                PortSelector selector = Args<PortSelector>(request, new PortSelector());
                BridgeStats stats = await control.StatsAsync(token).ConfigureAwait(false);
                return ManagementResponse.Success(stats with
                {
                    Ports = Select(stats.Ports, selector.Port, port => port.Name),
                    Vms = selector.Port is null || stats.Vms is null ? stats.Vms : [.. stats.Vms.Where(vm => vm.Port == selector.Port)],
                    OtherVms = selector.Port is null ? stats.OtherVms : null,
                });
            }
            case ManagementCommands.AclShow:
            {
                AclSelector selector = Args<AclSelector>(request, new AclSelector());
                IReadOnlyList<AclInfo> acls = await Capability<IAclControl>().ShowAclsAsync(token).ConfigureAwait(false);
                if (selector.Name is not null && !acls.Any(acl => acl.Name == selector.Name))
                {
                    throw new ManagementException($"cannot find acl \"{selector.Name}\"");
                }
                return ManagementResponse.Success(acls.Where(acl => selector.Name is null || acl.Name == selector.Name).ToList());
            }
            case ManagementCommands.ConfigReload:
                return ManagementResponse.Success(await Capability<IReloadControl>().ReloadAsync(token).ConfigureAwait(false));
            case ManagementCommands.Trace:
            {
                TraceArgs args = Args<TraceArgs>(request, null);
                return ManagementResponse.Success(await Capability<ITraceControl>().TraceAsync(args.Port, args.Spec, token).ConfigureAwait(false));
            }
            case ManagementCommands.LldpNeighbors:
            {
                PortSelector selector = Args<PortSelector>(request, new PortSelector());
                IReadOnlyList<LldpNeighborInfo> neighbors = await Capability<IQbgControl>().LldpNeighborsAsync(token).ConfigureAwait(false);
                return ManagementResponse.Success(await FilterAsync(neighbors, selector.Port, neighbor => neighbor.Port, token).ConfigureAwait(false));
            }
            case ManagementCommands.MvrpShow:
            {
                PortSelector selector = Args<PortSelector>(request, new PortSelector());
                IReadOnlyList<MvrpPortInfo> ports = await Capability<IMvrpControl>().ShowMvrpAsync(token).ConfigureAwait(false);
                return ManagementResponse.Success(await FilterAsync(ports, selector.Port, port => port.Port, token).ConfigureAwait(false));
            }
            case ManagementCommands.VsiShow:
            {
                PortSelector selector = Args<PortSelector>(request, new PortSelector());
                IReadOnlyList<VsiInfo> vsis = await Capability<IQbgControl>().ShowVsisAsync(token).ConfigureAwait(false);
                return ManagementResponse.Success(await FilterAsync(vsis, selector.Port, vsi => vsi.Port, token).ConfigureAwait(false));
            }
            case ManagementCommands.VsiHistory:
            {
                VsiSelector selector = Args<VsiSelector>(request, null);
                if (string.IsNullOrWhiteSpace(selector.VsiId))
                {
                    return Malformed("vsi.history needs a VSIID");
                }
                return ManagementResponse.Success(await Capability<IVsiHistoryControl>().VsiHistoryAsync(selector.VsiId.Trim(), token).ConfigureAwait(false));
            }
            case ManagementCommands.VsiTypeShow:
                return ManagementResponse.Success(await Capability<IVsiTypeControl>().ShowVsiTypesAsync(token).ConfigureAwait(false));
            case ManagementCommands.VsiTypeSet:
                return ManagementResponse.Success(await Capability<IVsiTypeControl>().SetVsiTypeAsync(Args<VsiTypeSetArgs>(request, null), token).ConfigureAwait(false));
            case ManagementCommands.VsiTypeDel:
                await Capability<IVsiTypeControl>().DeleteVsiTypeAsync(Args<VsiTypeSelector>(request, null), token).ConfigureAwait(false);
                return ManagementResponse.Success(new Done());
            case ManagementCommands.CaptureStart:
                return ManagementResponse.Success(await Capability<ICaptureControl>().StartCaptureAsync(Args<CaptureStartArgs>(request, null), token).ConfigureAwait(false));
            case ManagementCommands.CaptureRead:
                return ManagementResponse.Success(await Capability<ICaptureControl>().ReadCaptureAsync(Args<CaptureReadArgs>(request, null), token).ConfigureAwait(false));
            case ManagementCommands.CaptureStop:
                return ManagementResponse.Success(await Capability<ICaptureControl>().StopCaptureAsync(Args<CaptureStopArgs>(request, null), token).ConfigureAwait(false));
            case ManagementCommands.MonitorShow:
            {
                MonitorSelector selector = Args<MonitorSelector>(request, new MonitorSelector());
                IReadOnlyList<MonitorSessionInfo> sessions = await Capability<IMonitorControl>().ShowMonitorsAsync(token).ConfigureAwait(false);
                if (selector.Name is not null && !sessions.Any(session => session.Name == selector.Name))
                {
                    throw new ManagementException($"no monitor session named '{selector.Name}'");
                }
                return ManagementResponse.Success(sessions.Where(session => selector.Name is null || session.Name == selector.Name).ToList());
            }
            case ManagementCommands.MonitorAdd:
                return ManagementResponse.Success(await Capability<IMonitorControl>().AddMonitorAsync(Args<MonitorSessionConfig>(request, null), token).ConfigureAwait(false));
            case ManagementCommands.MonitorDel:
            {
                MonitorSelector selector = Args<MonitorSelector>(request, null);
                if (string.IsNullOrWhiteSpace(selector.Name))
                {
                    return Malformed("monitor.del needs a session name");
                }
                await Capability<IMonitorControl>().DeleteMonitorAsync(selector.Name, token).ConfigureAwait(false);
                return ManagementResponse.Success(new Done());
            }
            default:
                return Malformed($"unknown command '{request.Command}'");
        }
    }

    /// <summary>The capability a command needs, when this program has it; else the command is unsupported here.</summary>
    private T Capability<T>()
        where T : class => control as T ?? throw new UnsupportedCommand();

    /// <summary>Raised inside the dispatcher only: the program lacks the capability a command needs.</summary>
    private sealed class UnsupportedCommand : Exception;

    /// <summary>Rows of one port (an unknown port is an error, a port with none is not), or all.</summary>
    private async Task<List<T>> FilterAsync<T>(IReadOnlyList<T> items, string? port, Func<T, string> portOf, CancellationToken token)
    {
        if (port is null)
        {
            return [.. items];
        }
        IReadOnlyList<PortInfo> ports = await control.ListPortsAsync(token).ConfigureAwait(false);
        if (!ports.Any(info => info.Name == port))
        {
            throw ManagementException.UnknownPort(port);
        }
        return [.. items.Where(item => portOf(item) == port)];
    }

    /// <summary>The request's arguments; <paramref name="absent"/> when it has none (null: they are required).</summary>
    private static TArgs Args<TArgs>(ManagementRequest request, TArgs? absent)
        where TArgs : class
    {
        if (request.Args is not { ValueKind: not JsonValueKind.Null } args)
        {
            return absent ?? throw new JsonException("arguments are required");
        }
        return args.Deserialize<TArgs>(ManagementJson.Wire) ?? throw new JsonException("arguments are required");
    }

    private static List<T> Select<T>(IReadOnlyList<T> items, string? port, Func<T, string> nameOf)
    {
        if (port is null)
        {
            return [.. items];
        }
        List<T> selected = [.. items.Where(item => nameOf(item) == port)];
        return selected.Count > 0 ? selected : throw ManagementException.UnknownPort(port);
    }

    private static FdbEntryChange Checked(FdbEntryChange entry)
    {
        CheckVid(entry.Vid);
        return MacText.TryNormalise(entry.Mac, out string mac)
            ? entry with { Mac = mac }
            : throw new ManagementException($"\"{entry.Mac}\" is not a MAC address (aa:bb:cc:dd:ee:ff)");
    }

    private static void CheckVid(int? vid)
    {
        if (vid is < 1 or > 4094)
        {
            throw new ManagementException($"vlan {vid} is out of range (1-4094)");
        }
    }

    private static ManagementResponse Malformed(string message) =>
        ManagementResponse.Failure(ManagementErrorKind.Malformed, message);

    [LoggerMessage(Level = LogLevel.Error, Message = "management request '{Command}' failed")]
    private static partial void LogInternalError(ILogger logger, Exception exception, string command);
}
