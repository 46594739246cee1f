// The three colors of RFC 2697/2698 metering.
namespace Hairpin.Bridge.Core.Qos;

public enum MeterColor : byte
{
    Green,
    Yellow,
    Red,
}
