namespace QdFunctional.Gpu;

/// <summary>The variation operators device MAP-Elites runs.</summary>
public enum DeviceOperator
{
    /// <summary>Gaussian mutation of one parent (MAP-Elites).</summary>
    Gaussian,

    /// <summary>Iso+LineDD over two parents.</summary>
    IsoLine,

    /// <summary>OG-MAP-Elites: one step along the objective gradient.</summary>
    Og,

    /// <summary>OMG-MEGA: a random combination of the objective and measure gradients.</summary>
    Omg,
}

/// <summary>Names of the device operators, as <c>qd</c> and <see cref="DeviceMapElites"/> take them.</summary>
public static class DeviceOperators
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public const string Known = "gaussian, iso-line, og, omg";

    /// <summary>The operator of a name: gaussian, iso-line, og or omg (the run plan maps algorithms to operators).</summary>
    /// <exception cref="ArgumentException">Any other name; the message lists the known ones.</exception>
    public static DeviceOperator Parse(string name) =>
        name switch
        {
            "gaussian" => DeviceOperator.Gaussian,
            "iso-line" => DeviceOperator.IsoLine,
            "og" => DeviceOperator.Og,
            "omg" => DeviceOperator.Omg,
            _ => throw new ArgumentException($"device map-elites: operator '{name}' is not on the device (have: {Known})"),
        };

    /// <summary>The short name of an operator.</summary>
    public static string Name(DeviceOperator op) =>
        op switch
        {
            DeviceOperator.Gaussian => "gaussian",
            DeviceOperator.IsoLine => "iso-line",
            DeviceOperator.Og => "og",
            _ => "omg",
        };
}
