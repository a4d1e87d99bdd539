using Sonde.Profiles.Errors;

namespace Sonde.Store.Tests;

public sealed class StoreLocationTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void The_default_follows_XDG_DATA_HOME_else_the_home_directory()
    {
        Assert.Equal("/data/xdg/sonde/history.db", StoreLocation.Resolve(null, Environment(("XDG_DATA_HOME", "/data/xdg"), ("HOME", "/home/u"))).Target);
        Assert.Equal("/home/u/.local/share/sonde/history.db", StoreLocation.Resolve(null, Environment(("HOME", "/home/u"))).Target);
        // The XDG spec says a relative XDG_DATA_HOME is to be ignored.
        Assert.Equal("/home/u/.local/share/sonde/history.db", StoreLocation.Resolve(null, Environment(("XDG_DATA_HOME", "rel"), ("HOME", "/home/u"))).Target);
    }

    [Fact]
    public void The_setting_beats_SONDE_STORE_which_beats_the_default()
    {
        var environment = Environment(("SONDE_STORE", "/env/store"), ("HOME", "/home/u"));
        Assert.Equal("/env/store/history.db", StoreLocation.Resolve(null, environment).Target);
        Assert.Equal("/opt/profiles.db", StoreLocation.Resolve("/opt/profiles.db", environment).Target);
        Assert.Equal(StoreKind.Sqlite, StoreLocation.Resolve("/opt/profiles.sqlite", environment).Kind);
    }

    [Fact]
    public void A_postgresql_url_becomes_a_connection_string_and_hides_its_password()
    {
        var location = StoreLocation.Resolve("postgresql://alice:s%40cret@db.example:6543/prof?sslmode=disable");
        Assert.Equal(StoreKind.Postgres, location.Kind);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(location.Target);
        Assert.Equal("db.example", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("prof", builder.Database);
        Assert.Equal("alice", builder.Username);
        Assert.Equal("s@cret", builder.Password);
        Assert.Equal(Npgsql.SslMode.Disable, builder.SslMode);
        Assert.Equal("postgresql://alice:***@db.example:6543/prof?sslmode=disable", location.Display);
    }

    [Theory]
    [InlineData("@last", null, null, 0)]
    [InlineData("@last~2", null, null, 2)]
    [InlineData("@17", 17L, null, 0)]
    [InlineData("@nightly-3.12", null, "nightly-3.12", 0)]
    public void References_parse(string text, long? id, string? name, int back)
    {
        var reference = ProfileReference.Parse(text);
        Assert.Equal((id, name, back), (reference.Id, reference.Name, reference.Back));
    }

    [Theory]
    [InlineData("last")]
    [InlineData("123")]
    [InlineData("has space")]
    [InlineData("a@b")]
    [InlineData("")]
    public void Names_that_a_reference_could_not_find_again_are_refused(string name) =>
        Assert.Throws<UsageException>(() => ProfileReference.ValidateName(name));

    [Fact]
    public void Retention_sizes_take_suffixes() =>
        Assert.Equal([500L, 2L << 20, 3L << 30], new[] { "500", "2M", "3g" }.Select(RetentionPolicy.ParseBytes));
}
