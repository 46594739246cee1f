// Where `--config FILE` is read. The YAML loader belongs to Configuration/ (branch `config`); this
// is the one call site to switch to DumbVswitchConfigLoader.Load(path) when it lands.
using Hairpin.DumbVswitch.Configuration;

namespace Hairpin.DumbVswitch;

internal static class ConfigSource
{
    /// <exception cref="NotSupportedException">Until the config loader is merged.</exception>
    public static DumbVswitchConfig Load(string path) =>
        throw new NotSupportedException($"cannot read {path}: this build has no configuration loader yet (DumbVswitchConfigLoader)");
}
