// What the etcd VSI store tells the operator: connection changes, values it could not read, VSIs it
// marked lost or saw taken elsewhere.
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg.Store;

internal static partial class EtcdStoreLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store: {Key} is not readable, skipped: {Reason}")]
    public static partial void Unreadable(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store: VSI {Vsi} marked lost (its appliance at {Place} stopped renewing its lease)")]
    public static partial void MarkedLost(ILogger logger, string vsi, string place);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store: VSI {Vsi} taken by {Place}")]
    public static partial void TakenElsewhere(ILogger logger, string vsi, string place);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store: etcd unreachable ({Reason}); retrying, writes queue meanwhile")]
    public static partial void Unreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store: connected to {Store} at revision {Revision}, {Owned} VSIs held here")]
    public static partial void Synced(ILogger logger, string store, long revision, int owned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store: the watch's revision {Revision} was compacted; everything is read again")]
    public static partial void Compacted(ILogger logger, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store: this appliance's lease expired; taking a new one and putting its owner keys back")]
    public static partial void LeaseLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "VSI store: {What} of VSI {Vsi} not written: this appliance no longer holds it")]
    public static partial void NotHeld(ILogger logger, string what, string vsi);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store: VSI {Vsi} forgotten with its counters and moves ({State} since {Since:u}, over {Days:0.##} days)")]
    public static partial void Forgotten(ILogger logger, string vsi, string state, DateTimeOffset since, double days);

    [LoggerMessage(Level = LogLevel.Error, Message = "VSI store: a subscriber to the store's events failed")]
    public static partial void SubscriberFailed(ILogger logger, Exception error);
}
