// A VSI's entry in the shared table (key vsis/{id}): which appliance and port hold it, in which state
// since when, and the VSI as VsiStoreJson writes it. Not leased: it outlives its appliance, so that a
// dead appliance's VSIs are seen as lost, not forgotten.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Host.Qbg.Store;

internal sealed record EtcdVsiEntry(string Appliance, string Port, string State, DateTimeOffset Since, VsiRecord Vsi)
{
    public const string Associated = "associated";
    public const string PreAssociated = "pre-associated";
    public const string PreAssociatedWithReservation = "pre-associated-rr";
    public const string DeAssociated = "de-associated";
    /// <summary>Its appliance's lease expired: nobody forwards for it until another appliance claims it.</summary>
    public const string Lost = "lost";

    /// <summary>"appliance/port", as moves and TakenElsewhere name a place.</summary>
    public string Place => $"{Appliance}/{Port}";

    /// <summary>Held by its appliance now (not released, not lost).</summary>
    public bool IsHeld => State is Associated or PreAssociated or PreAssociatedWithReservation;

    public static string StateOf(VdpRequest request) => request switch
    {
        VdpRequest.Associate => Associated,
        VdpRequest.PreAssociateWithReservation => PreAssociatedWithReservation,
        VdpRequest.DeAssociate => DeAssociated,
        _ => PreAssociated,
    };

    public string ToJson() => VsiStoreJson.Text(new JsonObject
    {
        ["appliance"] = Appliance,
        ["port"] = Port,
        ["state"] = State,
        ["since"] = Since.ToString("O", CultureInfo.InvariantCulture),
        ["vsi"] = VsiStoreJson.Write(Vsi),
    });

    /// <exception cref="FormatException">The value is not such an entry.</exception>
    public static EtcdVsiEntry Read(string text, TimeSpan now)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException error)
        {
            throw new FormatException($"not JSON: {error.Message}", error);
        }
        JsonObject json = node as JsonObject ?? throw new FormatException("a VSI entry is a JSON object");
        try
        {
            return new EtcdVsiEntry(json["appliance"]!.GetValue<string>(), json["port"]!.GetValue<string>(), json["state"]!.GetValue<string>(),
                DateTimeOffset.Parse(json["since"]!.GetValue<string>(), CultureInfo.InvariantCulture), VsiStoreJson.ReadVsi(json["vsi"], now));
        }
        catch (Exception error) when (error is NullReferenceException or InvalidOperationException)
        {
            throw new FormatException($"not a VSI entry: {error.Message}", error);
        }
    }
}
