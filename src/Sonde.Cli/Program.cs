using Sonde.Cli;
using Sonde.Cli.Console;

return SondeApp.Run(args, Terminal.FromConsole());
