return await Switchyard.Cli.YardCli.RunAsync(args);
