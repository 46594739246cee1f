// The names operators read in CLIs, metrics and traces: an enum member's PascalCase name in lower
// case with hyphens ("ReflectiveRelayOff" -> "reflective-relay-off"), worked out once per enum.
namespace Hairpin.Bridge.Core.Counters;

public static class KebabNames
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Cache<TEnum>.Names.TryGetValue(value, out string? name) ? name : Convert(value.ToString());

    private static string Convert(string pascal)
    {
        var name = new System.Text.StringBuilder(pascal.Length + 4);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                name.Append('-');
            }
            name.Append(char.ToLowerInvariant(pascal[i]));
        }
        return name.ToString();
    }

    private static class Cache<TEnum>
        where TEnum : struct, Enum
    {
        public static readonly Dictionary<TEnum, string> Names = Enum.GetValues<TEnum>().ToDictionary(value => value, value => Convert(value.ToString()));
    }
}
